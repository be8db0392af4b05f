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
import type { PullSnapshots } from '../src/image/pull-types.ts';
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
  // Which unpacks were fed from the download (BlobWriter.follow) rather than the stored blob.
  let streamed: boolean[] = [];
  const opts = (): PullOptions => {
    streamed = [];
    const spy: PullSnapshots = {
      has: (id) => snapshots.has(id),
      lowerDirs: (id) => snapshots.lowerDirs(id),
      warmUp: (layers) => snapshots.warmUp(layers),
      unpackLayer: (req) => {
        streamed.push(req.source !== undefined);
        return snapshots.unpackLayer(req);
      },
    };
    return { store, snapshots: spy, settings: { plainHttp: [proxy.host] } };
  };
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

  test('a layer downloading alone unpacks as it arrives, across a dropped connection', async () => {
    const img = randomImage({ layers: 1, sizePerLayer: LAYER_BYTES });
    await publishImage(reg, 'lib/one:1', img);
    // The follower must carry on across the Range resume.
    proxy.addFault({ path: img.layers[0]?.digest ?? '' }, faults.dropAfterBytes(LAYER_BYTES / 2));
    const r = await pull(`${proxy.host}/lib/one:1`, opts());
    proxy.clearFaults();
    assert.deepEqual(streamed, [true]);
    const info = await snapshots.get(r.chainId ?? '');
    assert.equal(info?.layerDigest, img.layers[0]?.digest);
    assert.equal(readFileSync(join(info?.fsPath ?? '', 'data', 'layer-0.bin')).length, LAYER_BYTES);
    assert.deepEqual(leftovers(), []);
  });

  test('layers downloading together unpack from the store, each checked against its diffID', async () => {
    const img = randomImage({ layers: 2, sizePerLayer: LAYER_BYTES });
    await publishImage(reg, 'lib/two:1', img);
    const r = await pull(`${proxy.host}/lib/two:1`, opts());
    assert.deepEqual(streamed, [false, false]);
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

  test('the one new layer over cached ones unpacks as it arrives', async () => {
    const base = { entries: [{ type: 'dir' as const, path: 'base' }, { type: 'file' as const, path: 'base/lib.bin', content: randomBytes(LAYER_BYTES) }] };
    const app = (name: string) => ({ entries: [{ type: 'file' as const, path: `${name}.bin`, content: randomBytes(LAYER_BYTES) }] });
    const first = buildImage({ layers: [base, app('first')] });
    const second = buildImage({ layers: [base, app('second')] });
    await publishImage(reg, 'lib/app:1', first);
    await publishImage(reg, 'lib/app:2', second);
    await pull(`${proxy.host}/lib/app:1`, opts());
    assert.deepEqual(streamed, [false, false]);
    const r = await pull(`${proxy.host}/lib/app:2`, opts());
    assert.deepEqual(streamed, [true], 'only the new layer is unpacked, while it downloads');
    assert.equal(r.lowerDirs?.length, 2);
    assert.equal(readFileSync(join(r.lowerDirs?.[0] ?? '', 'second.bin')).length, LAYER_BYTES);
  });

  test('a corrupted layer leaves neither blob nor snapshot; the next pull unpacks it', async () => {
    const img = randomImage({ layers: 1, sizePerLayer: LAYER_BYTES });
    await publishImage(reg, 'lib/bad:1', img);
    const layer = img.layers[0];
    assert.ok(layer);
    proxy.addFault({ path: layer.digest }, faults.corruptByte(LAYER_BYTES - 1000, { times: 10 }));
    const before = await snapshotIds(snapshots);
    await rejects(pull(`${proxy.host}/lib/bad:1`, opts()), ErrorCode.DigestMismatch, layer.digest);
    assert.deepEqual(streamed, [true]);
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
