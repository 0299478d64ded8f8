import { createLogger } from '../../src/logger';

describe('the logger', () => {
  it('when personal data is logged at the top level or nested, then the line carries none of it', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info({ caseId: 'c1', email: 'top@example.cn', phone: '13800001111', contact: '微信 abc', password: 'Secret-1', input: { email: 'nested@example.cn', phone: '13900002222' } }, 'case.submitted');
    const line = lines.join('');
    for (const value of ['top@example.cn', '13800001111', '微信 abc', 'Secret-1', 'nested@example.cn', '13900002222']) expect(line).not.toContain(value);
    expect(JSON.parse(line)).toMatchObject({ caseId: 'c1', email: '[redacted]', input: { phone: '[redacted]' }, msg: 'case.submitted' });
  });
});
