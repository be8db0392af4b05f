// pull() with snapshots: layers unpack while they download (BlobWriter.follow), so a snapshot
// must appear only for a verified blob, survive a resumed download, and leave nothing behind
// when the blob or the layer is bad.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ContentStore } from '../src/image/content/index.ts';
import { ErrorCode, pull, type PullOptions } from '../src/image/index.ts';
import { chainIds, SnapshotStore } from '../src/image/unpack/index.ts';
import { rejects } from './fixtures/endpoint-helpers.ts';
import { makeTempDir, removeTempDir } from './fixtures/cleanup.ts';
import { faults, startFaultProxy, type FaultProxy } from './fixtures/fault-proxy.ts';
import { buildImage, publishImage, randomImage } from './fixtures/images.ts';
import { startRegistry, type RunningRegistry } from './fixtures/registry.ts';

// Above SnapshotStore's in-process limit (4 MiB), so the layers go through the worker pool.
const LAYER_BYTES = 6 * 1024 * 1024;

describe('pull with unpack', () => {
  let reg: RunningRegistry;
  let proxy: FaultProxy;
  let dir: string;
  let store: ContentStore;
  let snapshots: SnapshotStore;
  const opts = (): PullOptions => ({ store, snapshots, settings: { plainHttp: [proxy.host] } });
  const leftovers = (): string[] => readdirSync(snapshots.root).filter((n) => n.includes('.tmp-'));

  before(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy({ target: reg.url });
    dir = makeTempDir('pull-unpack');
    store = await ContentStore.open(join(dir, 'content'));
    snapshots = await SnapshotStore.open(join(dir, 'snapshots'));
  });
  after(async () => {
    await snapshots.close();
    await proxy.stop();
    await reg.stop();
    removeTempDir(dir);
  });

  test('every layer is unpacked and checked against its diffID, across a dropped connection', async () => {
    const img = randomImage({ layers: 2, sizePerLayer: LAYER_BYTES });
    await publishImage(reg, 'lib/two:1', img);
    // The follower must carry on across the Range resume.
    proxy.addFault({ path: img.layers[1]?.digest ?? '' }, faults.dropAfterBytes(LAYER_BYTES / 2));
    const r = await pull(`${proxy.host}/lib/two:1`, opts());
    proxy.clearFaults();
    assert.equal(r.lowerDirs?.length, 2);
    const chain = chainIds(img.layers.map((l) => l.diffId));
    assert.equal(r.chainId, chain.at(-1));
    for (const [i, layer] of img.layers.entries()) {
      const info = await snapshots.get(chain[i] ?? '');
      assert.ok(info, `snapshot of layer ${i}`);
      assert.equal(info.layerDigest, layer.digest);
      const file = readFileSync(join(info.fsPath, 'data', `layer-${i}.bin`));
      assert.equal(file.length, LAYER_BYTES);
    }
    assert.deepEqual(leftovers(), []);
  });

  test('a corrupted layer leaves neither blob nor snapshot; the next pull unpacks it', async () => {
    const img = randomImage({ layers: 1, sizePerLayer: LAYER_BYTES });
    await publishImage(reg, 'lib/bad:1', img);
    const layer = img.layers[0];
    assert.ok(layer);
    proxy.addFault({ path: layer.digest }, faults.corruptByte(LAYER_BYTES - 1000, { times: 10 }));
    const before = await snapshotIds(snapshots);
    await rejects(pull(`${proxy.host}/lib/bad:1`, opts()), ErrorCode.DigestMismatch, layer.digest);
    proxy.clearFaults();
    assert.equal(await store.has(layer.digest), false);
    assert.deepEqual(await snapshotIds(snapshots), before);
    assert.deepEqual(leftovers(), []);
    const ok = await pull(`${proxy.host}/lib/bad:1`, opts());
    assert.equal(ok.lowerDirs?.length, 1);
  });

  test('a layer that escapes its root fails with UNSAFE_LAYER, not as a cancelled download', async () => {
    // The download stalls after the unsafe entry: the unpack's failure must stop it and be the
    // error reported.
    const big = { type: 'file' as const, path: 'data/big.bin', content: randomBytes(LAYER_BYTES) };
    const img = buildImage({ layers: [{ entries: [{ type: 'dir', path: 'data' }, { type: 'file', path: '../escape', content: Buffer.from('x') }, big] }] });
    await publishImage(reg, 'lib/escape:1', img);
    proxy.addFault({ path: img.layers[0]?.digest ?? '' }, faults.stallAfterBytes(3 * 1024 * 1024));
    await rejects(pull(`${proxy.host}/lib/escape:1`, opts()), ErrorCode.UnsafeLayer, '..');
    proxy.clearFaults();
    assert.deepEqual(leftovers(), []);
  });
});

async function snapshotIds(s: SnapshotStore): Promise<string[]> {
  return (await s.list()).map((i) => i.chainId).sort();
}
