// A separate process acting on a content store, for the cross-process tests. Commands:
//   race <root> <data-file> <counter-file>  write the blob of <data-file> slowly; append pid to
//                                           <counter-file> if this process had to download it
//   hold <root> <data-file>                 start writing that blob, print "holding", hang
//   tag <root> <prefix> <count> <digest> <size>   tag <prefix>/app:v<i> for i < count
//   churn <root>                            write random blobs and tags until killed
// Results are printed as one JSON line on stdout.

import { createHash, randomBytes, randomInt } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { ContentStore } from '../store.ts';

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function race(root: string, dataFile: string, counterFile: string): Promise<void> {
  const data = await readFile(dataFile);
  const store = await ContentStore.open(root);
  const writer = await store.writer({ digest: sha256(data), size: data.byteLength });
  if (writer.existing) {
    print({ existing: true });
    return;
  }
  await appendFile(counterFile, `${process.pid}\n`);
  const chunk = Math.ceil(data.byteLength / 8);
  try {
    for (let at = 0; at < data.byteLength; at += chunk) {
      await writer.write(data.subarray(at, at + chunk));
      await delay(15);
    }
    await writer.commit();
  } finally {
    await writer.abort();
  }
  print({ downloaded: true });
}

async function hold(root: string, dataFile: string): Promise<void> {
  const data = await readFile(dataFile);
  const store = await ContentStore.open(root);
  const writer = await store.writer({ digest: sha256(data), size: data.byteLength });
  if (writer.existing) throw new Error('blob already exists');
  await writer.write(data.subarray(0, data.byteLength >> 1));
  print({ holding: true, offset: writer.offset });
  await delay(60_000);
}

async function tag(root: string, prefix: string, count: number, digest: string, size: number): Promise<void> {
  const store = await ContentStore.open(root);
  for (let i = 0; i < count; i++) {
    await store.tag(`${prefix}/app:v${i}`, { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size });
  }
  print({ tagged: count });
}

async function churn(root: string): Promise<void> {
  const store = await ContentStore.open(root);
  print({ started: true });
  for (let round = 0; ; round++) {
    const data = randomBytes(randomInt(1, 256 * 1024));
    const writer = await store.writer({ digest: sha256(data), size: data.byteLength });
    if (writer.existing) continue;
    for (let at = 0; at < data.byteLength; ) {
      const end = Math.min(data.byteLength, at + randomInt(1, 64 * 1024));
      await writer.write(data.subarray(at, end));
      at = end;
    }
    await writer.commit();
    if (round % 4 === 0) {
      await store.tag(`example.com/churn/app:r${round % 16}`, { mediaType: 'application/octet-stream', digest: writer.digest, size: data.byteLength });
    }
  }
}

const [command, ...args] = process.argv.slice(2);
const arg = (i: number): string => args[i] ?? '';
switch (command) {
  case 'race':
    await race(arg(0), arg(1), arg(2));
    break;
  case 'hold':
    await hold(arg(0), arg(1));
    break;
  case 'tag':
    await tag(arg(0), arg(1), Number(arg(2)), arg(3), Number(arg(4)));
    break;
  case 'churn':
    await churn(arg(0));
    break;
  default:
    throw new Error(`unknown command ${String(command)}`);
}
