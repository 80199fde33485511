// Entry of the detached installer started by the first hook of an installed copy.
import { trace } from './log';
import { installNative } from './bootstrap';

const result = installNative();
trace(`bootstrap: ${result.message}`, { stderr: false });
process.exitCode = result.ok ? 0 : 1;
