import { Case } from '../../src/cases/case.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { useTestApp } from '../helpers/app';

// The whole design rests on single-document updates being atomic (DESIGN section 5). MongoDB
// guarantees it; on FerretDB our wrapper (tools/ferretdb/serialize.go) restores it. These tests
// hold whichever server the suite runs on.
const t = useTestApp();

async function aCase() {
  return fileComplaint(t.ctx, { categoryCode: 'other', description: '用于并发测试的一件投诉，内容足够长。' }, { channel: 'web' });
}

describe('single-document atomicity', () => {
  it('when 30 callers claim the same state change at once, then exactly one wins', async () => {
    const { id } = await aCase();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        Case.findOneAndUpdate({ _id: id, status: 'submitted' }, { $set: { status: 'rejected', place: `caller ${i}` } }, { returnDocument: 'after' }).lean(),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('when 60 updates push to one case at once, then none is lost', async () => {
    const { id } = await aCase();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => Case.updateOne({ _id: id }, { $push: { supplements: { at: new Date(), text: `s${i}` } } })),
    );
    const c = await Case.findById(id).lean();
    expect(new Set(c!.supplements.map((s) => s.text)).size).toBe(60);
  });
});
