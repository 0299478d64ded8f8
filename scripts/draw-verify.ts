// `npm run draw:verify -- <snapshot.json> <seed>` (see src/evaluation/draw-verify.ts).
import { drawVerify } from '../src/evaluation/draw-verify';

const { code, stdout, stderr } = drawVerify(process.argv.slice(2));
process.stdout.write(stdout);
process.stderr.write(stderr);
process.exitCode = code;
