import mongoose from 'mongoose';
import { fromLine, toLine } from '../../src/platform/backup';

const { ObjectId, Long, Decimal128, Binary, Double, Int32, Timestamp } = mongoose.mongo.BSON;

describe('backup lines', () => {
  it('when a document of every BSON type the app may hold is written as a line and read back, then values and types are the same', () => {
    const doc = {
      _id: new ObjectId('65f1a2b3c4d5e6f708192a3b'),
      at: new Date('2026-03-02T02:00:00.123Z'),
      big: Long.fromString('9007199254740993'),
      amount: Decimal128.fromString('1234.5600'),
      one: new Double(1),
      small: new Int32(7),
      raw: new Binary(Buffer.from([0, 1, 255]), Binary.SUBTYPE_DEFAULT),
      uuid: new Binary(Buffer.alloc(16, 7), Binary.SUBTYPE_UUID),
      ts: new Timestamp({ t: 1700000000, i: 3 }),
      text: '县纪委监委 "引号" \\ 换行\n',
      nested: { list: [1, null, { deep: new Date(0) }] },
    };
    const line = toLine(doc);
    expect(line).not.toContain('\n'); // one document, one line
    const back = fromLine(line);
    expect(back.big).toBeInstanceOf(Long);
    expect(back.amount).toBeInstanceOf(Decimal128);
    expect(String(back.amount)).toBe('1234.5600');
    expect(back.one).toBeInstanceOf(Double);
    expect(back.small).toBeInstanceOf(Int32);
    expect(back.raw).toBeInstanceOf(Binary);
    expect((back.uuid as InstanceType<typeof Binary>).sub_type).toBe(Binary.SUBTYPE_UUID);
    expect(back.ts).toBeInstanceOf(Timestamp);
    expect(back._id).toBeInstanceOf(ObjectId);
    expect(back.at).toEqual(doc.at);
    expect(toLine(back)).toBe(line);
  });
});
