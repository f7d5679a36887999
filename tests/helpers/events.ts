import type { APIGatewayProxyEventV2, Context, S3Event, SNSEvent, SQSEvent } from 'aws-lambda';

/** An S3 ObjectCreated event for the given keys, as Lambda receives it. */
export function s3Event(bucket: string, keys: string[]): S3Event {
  return {
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:TEST' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'req', 'x-amz-id-2': 'id2' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'content-changed',
        bucket: { name: bucket, ownerIdentity: { principalId: 'owner' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'), size: 100, eTag: 'etag', sequencer: '001' },
      },
    })),
  };
}

/** A Lambda context good enough for handlers that read only ids and the remaining time. */
export function lambdaContext(overrides: Partial<Context> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test-function',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test-function',
    memoryLimitInMB: '512',
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    logGroupName: '/aws/lambda/test-function',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

let sqsCounter = 0;

/** An SQS event carrying the given bodies, as the Lambda event source mapping delivers it. */
export function sqsEvent(bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((body) => {
      const id = `msg-${++sqsCounter}`;
      return {
        messageId: id,
        receiptHandle: `receipt-${id}`,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'sender', ApproximateFirstReceiveTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:deliveries',
        awsRegion: 'eu-west-1',
      };
    }),
  };
}

/** An SNS event carrying SES notifications. */
export function snsEvent(messages: unknown[]): SNSEvent {
  return {
    Records: messages.map((message, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:ses-events:sub',
      Sns: {
        Type: 'Notification',
        MessageId: `sns-${i}`,
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses-events',
        Subject: '',
        Message: typeof message === 'string' ? message : JSON.stringify(message),
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    })),
  };
}

/** An API Gateway HTTP API (v2) request. `url` is a path with an optional query string. */
export function httpEvent(
  methodName: string,
  url: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = url.split('?') as [string, string?];
  const query = Object.fromEntries(new URLSearchParams(rawQueryString));
  const body = options.body === undefined ? undefined : options.base64 || Buffer.isBuffer(options.body) ? Buffer.from(options.body).toString('base64') : options.body;
  return {
    version: '2.0',
    routeKey: `${methodName} ${rawPath}`,
    rawPath,
    rawQueryString,
    headers: options.headers ?? {},
    queryStringParameters: rawQueryString ? query : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: methodName, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: `${methodName} ${rawPath}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: body !== undefined && (options.base64 === true || Buffer.isBuffer(options.body)),
  };
}
