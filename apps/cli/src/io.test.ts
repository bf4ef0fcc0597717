import { EventEmitter } from 'node:events';
import { ExitCode } from '@oqat/core';
import { describe, expect, it } from 'vitest';
import { stopOnClosedOutput } from './io';

class FakeStream extends EventEmitter {
  text = '';
  write(t: string): boolean {
    this.text += t;
    return true;
  }
}

const epipe = () => Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });

describe('stopOnClosedOutput', () => {
  it('a closed stdout (EPIPE): one line on stderr, once, and exit 141', () => {
    const stdout = new FakeStream();
    const stderr = new FakeStream();
    const exits: number[] = [];
    stopOnClosedOutput(stdout as never, stderr as never, (code) => exits.push(code));
    stdout.emit('error', epipe());
    stdout.emit('error', epipe());
    expect(stderr.text).toBe('oqat: the program reading the output closed it (EPIPE); stopped\n');
    expect(exits).toEqual([ExitCode.outputClosed]);
    expect(ExitCode.outputClosed).toBe(141);
  });

  it('a closed stderr is ignored; other stream errors stay errors', () => {
    const stdout = new FakeStream();
    const stderr = new FakeStream();
    stopOnClosedOutput(stdout as never, stderr as never, () => undefined);
    expect(() => stderr.emit('error', epipe())).not.toThrow();
    expect(() => stdout.emit('error', Object.assign(new Error('EIO'), { code: 'EIO' }))).toThrow('EIO');
  });
});
