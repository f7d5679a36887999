import { App } from 'aws-cdk-lib';
import { readConfig } from './config.ts';
import { checkAgainstAwsSolutions } from './nag.ts';
import { NewsletterStack } from './stack.ts';

const app = new App();
const config = readConfig(app.node);
new NewsletterStack(app, `Newsletter-${config.stage}`, {
  config,
  description: `Newsletter and feeds for ${config.settings.title} (${config.stage})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
checkAgainstAwsSolutions(app);
