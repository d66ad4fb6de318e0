import { describe, expect, it } from 'vitest';
import { CallPacer } from '../../server/src/brokers/smartapi/call-pacer.ts';

// Angel counts a call when it arrives, somewhere between sending and answer: a call holds its
// place in a window from when it is sent until a window's length after its answer.
describe('the SmartAPI call pacer', () => {
  it('lets `limit` calls go at once and holds the next until one is answered and a window has passed', async () => {
    const pacer = new CallPacer([{ limit: 2, windowMs: 100 }]);
    const first = await pacer.take();
    const second = await pacer.take();
    let thirdAt: number | null = null;
    const third = pacer.take().then((answered) => {
      thirdAt = Date.now();
      return answered;
    });

    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(thirdAt).toBeNull();

    const firstAnsweredAt = Date.now();
    first();
    await third;
    expect(thirdAt! - firstAnsweredAt).toBeGreaterThanOrEqual(99);
    second();
  });

  it('takes calls in the order they asked', async () => {
    const pacer = new CallPacer([{ limit: 1, windowMs: 20 }]);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map(async (n) => {
      const answered = await pacer.take();
      order.push(n);
      answered();
    }));
    expect(order).toEqual([1, 2, 3, 4]);
  });
});
