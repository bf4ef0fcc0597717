import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnknownDeviceError, simulateNetwork, type DeviceName, type LatencySample } from '@oqat/latency';
import { lowerSubnet, resolveSearchSpace, sampleSubnet } from '@oqat/search';
import { createRng, derive } from '@oqat/core';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceLatencyModels } from './device-latency';
import { registerDeviceFromSamples } from './register-device';
import { configFieldsFor, validateRunConfig } from './run-config';
import type { NewRunConfig } from './studio-service';

const workDir = mkdtempSync(join(tmpdir(), 'oqat-register-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
const space = resolveSearchSpace('fashion-mnist');
const board = (i: number, seed: number): LatencySample => {
  const layers = lowerSubnet(space, sampleSubnet(space, createRng(derive(seed, i))), { fixedBits: 8 });
  return { layers, latencyMs: 0.3 + 1.7 * simulateNetwork('xavier', layers).latencyMs, device: 'board' };
};

describe('registered devices', () => {
  it('a device registered from samples is priced by search and tune under its name', async () => {
    const samples = Array.from({ length: 10 }, (_, i) => board(i, 1));
    const test = Array.from({ length: 30 }, (_, i) => board(i, 2));
    const { device, file, metrics } = registerDeviceFromSamples({ workDir, name: 'pi4', samples, test, space: space.name, runtime: 'tfjs-wasm' });
    expect(file).toBe(join(workDir, 'devices', 'pi4.json'));
    expect(device).toMatchObject({ name: 'pi4', samples: 10, space: space.name, runtime: 'tfjs-wasm' });
    expect(metrics!.spearman).toBeGreaterThan(0.95);
    const again = registerDeviceFromSamples({ workDir, name: 'pi4', samples: test.slice(0, 5), append: true });
    expect(again.device.samples).toBe(15);
    const models = await deviceLatencyModels(['pi4' as DeviceName], { space, cacheDir: join(workDir, 'predictors'), samples: 20, fixedBits: 8, seed: 1 });
    const m = test.map((s) => models.pi4!(s.layers));
    m.forEach((v, i) => expect(Math.abs(v / test[i]!.latencyMs - 1)).toBeLessThan(0.1));
    await expect(deviceLatencyModels(['jetson' as DeviceName], { space, cacheDir: join(workDir, 'predictors'), samples: 20, fixedBits: 8, seed: 1 }))
      .rejects.toThrow(UnknownDeviceError);
  });

  it('the run form lists registered devices and refuses an unknown one in one line naming the known ones', () => {
    const known = ['cpu', 'cpu-ort', 'xavier', 'fpga', 'pi4'];
    // a registered name is a string the run form's built-in device type does not list
    const named = (...d: string[]) => d as NewRunConfig['devices'];
    expect(configFieldsFor(known).find((f) => f.key === 'devices')!.choices).toEqual(known);
    expect(validateRunConfig({ devices: named('pi4') }, known).validation.ok).toBe(true);
    const { validation } = validateRunConfig({ devices: named('jetson') }, known);
    expect(validation.ok).toBe(false);
    if (!validation.ok) expect(validation.errors.devices).toMatch(/^unknown device 'jetson': choose from cpu, cpu-ort, xavier, fpga, pi4 \(oqat latency fit --register NAME adds one\)$/);
  });
});
