// Entry point of the describe-image command (bundled to dist/cli.js with a shebang).
import { main } from './main';

void main();
