import middy from '@middy/core';
test('middy', async () => { expect(await middy(async (e: number) => e + 1)(1, {} as never)).toBe(2); });
