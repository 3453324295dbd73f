// Runs the CLI from source (tests spawn it, so exit codes and stdout/stderr are the real ones).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
