import { Case } from '../../src/cases/case.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { useTestApp } from '../helpers/app';

// Every change of a case is one command by _id, often with the state just read
// ({_id, status}: the lifecycle gate). If the server cannot answer it from the _id index, each
// change scans the whole collection and every write of the system slows down as cases accumulate
// (FerretDB v1.24.2's SQLite backend did: tools/ferretdb/_patches/README.md). The query plan says
// which it is, on our FerretDB build as on MongoDB, without timing anything.
const t = useTestApp();

async function planFor(filter: Record<string, unknown>): Promise<{ ferretdb: boolean; plan: string }> {
  const answer = await Case.db.db!.command({ explain: { find: Case.collection.collectionName, filter } });
  const serverInfo = (answer.serverInfo ?? {}) as Record<string, unknown>;
  return { ferretdb: 'ferretdbVersion' in serverInfo, plan: JSON.stringify(answer.queryPlanner) };
}

/** The _id index as each server names it in a plan: FerretDB shows SQLite's plan. */
function usesIdIndex({ ferretdb, plan }: { ferretdb: boolean; plan: string }): boolean {
  return ferretdb ? /SEARCH \S+ USING INDEX \S+__id_ /.test(plan) : /IDHACK|EXPRESS|"indexName":"_id_"/.test(plan);
}

describe('a case by _id on the database server', () => {
  it('when a case is read by its _id, then the server answers from the _id index, not a scan', async () => {
    const { id } = await fileComplaint(t.ctx, { categoryCode: 'other', description: '按编号读取一件投诉，内容足够长。' }, { channel: 'web' });
    const result = await planFor({ _id: id });
    expect({ usesIdIndex: usesIdIndex(result), plan: result.plan }).toMatchObject({ usesIdIndex: true });
  });

  it('when a case is read by its _id and the state just read, then the server still answers from the _id index', async () => {
    const { id } = await fileComplaint(t.ctx, { categoryCode: 'other', description: '按编号和状态读取一件投诉，内容足够长。' }, { channel: 'web' });
    const result = await planFor({ _id: id, status: 'submitted' });
    expect({ usesIdIndex: usesIdIndex(result), plan: result.plan }).toMatchObject({ usesIdIndex: true });
  });
});
