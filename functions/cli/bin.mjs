#!/usr/bin/env node
// The `newsletter` command: loads the TypeScript sources through tsx, then runs the CLI.
import { register } from 'tsx/esm/api';

// The project runs on Node 20 with its AWS SDK versions pinned by the lockfile; the SDK's notice about
// future versions needing Node 22 would otherwise print on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
