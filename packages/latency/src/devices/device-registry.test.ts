import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, derive } from '@oqat/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceRegistryError, UnknownDeviceError } from '../errors';
import type { LatencySample } from '../ir/layer-desc';
import { fitDevicePredictor } from '../predict/fit-device';
import { randomSubnetLayers, SMALL_OFA_SPACE } from '../space/random-subnet.test-support';
import { DeviceRegistry, deviceNameProblem } from './device-registry';
import { simulateNetwork } from './simulate-network';

const root = mkdtempSync(join(tmpdir(), 'oqat-devices-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const samples = (seed: number, n: number): LatencySample[] =>
  Array.from({ length: n }, (_, i) => {
    const layers = randomSubnetLayers(createRng(derive(seed, i)), SMALL_OFA_SPACE);
    return { layers, latencyMs: 2 * simulateNetwork('xavier', layers).latencyMs, device: 'whatever' };
  });

describe('DeviceRegistry', () => {
  it('round-trips a registered predictor and its samples through a real folder', () => {
    const registry = DeviceRegistry.inWorkDir(join(root, 'work'));
    expect(registry.names()).toEqual([]);
    const train = samples(1, 8);
    const predictor = fitDevicePredictor('pi4', train);
    const file = registry.register({ name: 'pi4', runtime: 'tfjs-wasm', space: 'fashion-mnist', samples: train.length, predictor: predictor.toJSON() }, train);
    expect(file).toBe(join(root, 'work', 'devices', 'pi4.json'));
    // a fresh registry object on the same folder (another process) sees it
    const again = new DeviceRegistry(join(root, 'work', 'devices'));
    expect(again.names()).toEqual(['pi4']);
    expect(again.known()).toEqual(['cpu', 'cpu-ort', 'xavier', 'fpga', 'pi4']);
    expect(again.get('pi4')).toMatchObject({ format: 'oqat-device', version: 1, name: 'pi4', runtime: 'tfjs-wasm', space: 'fashion-mnist', samples: 8 });
    const back = again.predictor('pi4');
    expect(back.device).toBe('pi4');
    for (const s of samples(2, 5)) expect(back.estimateMs(s.layers)).toBeCloseTo(predictor.estimateMs(s.layers), 10);
    const kept = again.samples('pi4');
    expect(kept.map((s) => s.latencyMs)).toEqual(train.map((s) => s.latencyMs));
    expect(kept.every((s) => s.device === 'pi4')).toBe(true);
  });

  it('answers an unknown device with one line listing the known ones', () => {
    const registry = DeviceRegistry.inWorkDir(join(root, 'work'));
    expect(registry.check('cpu')).toBe('cpu');
    expect(registry.check('pi4')).toBe('pi4');
    let err: unknown;
    try {
      registry.predictor('jetson');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnknownDeviceError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain("unknown latency device 'jetson', expected one of cpu, cpu-ort, xavier, fpga, pi4");
  });

  it('refuses bad and built-in names, a predictor of another device, and a damaged file', () => {
    const registry = DeviceRegistry.inWorkDir(join(root, 'other'));
    const predictor = fitDevicePredictor('board', samples(3, 5)).toJSON();
    expect(deviceNameProblem('Pi 4')).toMatch(/not a device name/);
    expect(() => registry.register({ name: '../x', samples: 5, predictor })).toThrow(DeviceRegistryError);
    expect(() => registry.register({ name: 'xavier', samples: 5, predictor })).toThrow(/built-in/);
    expect(() => registry.register({ name: 'jetson', samples: 5, predictor })).toThrow(/fitted for 'board'/);
    registry.register({ name: 'board', samples: 5, predictor });
    writeFileSync(join(root, 'other', 'devices', 'board.json'), '{"format":"oqat-dev');
    expect(() => registry.predictor('board')).toThrow(DeviceRegistryError);
  });
});
