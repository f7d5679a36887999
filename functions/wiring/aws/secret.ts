import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { longEnoughKey, MIN_KEY_BYTES } from '../../core/tokens.ts';
import { readVariables, required } from '../env.ts';

/** The token signing key from an SSM SecureString parameter. */
export async function tokenKeyFromSsm(name: string, ssm: () => SSMClient = () => new SSMClient({})): Promise<string> {
  const out = await ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = out.Parameter?.Value;
  if (!value || !longEnoughKey(value)) throw new Error(`SSM parameter ${name} must hold a secret of at least ${MIN_KEY_BYTES} bytes`);
  return value;
}

/** The operator's key: `TOKEN_SECRET` itself, or an SSM SecureString named by `TOKEN_SECRET_PARAM`. */
export async function tokenKeyFromEnv(env: NodeJS.ProcessEnv, ssm?: () => SSMClient): Promise<string> {
  if (env.TOKEN_SECRET !== undefined) {
    if (!longEnoughKey(env.TOKEN_SECRET)) throw new Error(`Environment variable TOKEN_SECRET must be at least ${MIN_KEY_BYTES} bytes`);
    return env.TOKEN_SECRET;
  }
  return tokenKeyFromSsm(readVariables({ TOKEN_SECRET_PARAM: required }, env).TOKEN_SECRET_PARAM, ssm);
}
