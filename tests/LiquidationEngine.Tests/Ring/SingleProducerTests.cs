using LiquidationEngine.Ring;
using Xunit;

namespace LiquidationEngine.Tests.Ring;

[Collection(SerialRingTests.Name)]
public sealed class SingleProducerTests
{
    private struct Numbered
    {
        public long Value;
    }

    /// <summary>What the consumer saw, shared with the test thread (read after the consumer stopped).</summary>
    private sealed class Observations
    {
        public long Count;
        public long OutOfOrder;
        public long WrongEndOfBatch;
        public long EndOfBatchCount;
        public readonly List<long> BatchSizes = [];
    }

    private struct CheckingHandler(Observations seen) : IEventHandler<Numbered>
    {
        private long _remainingInBatch;

        public void OnBatchStart(long batchSize)
        {
            seen.BatchSizes.Add(batchSize);
            _remainingInBatch = batchSize;
        }

        public void OnEvent(ref Numbered data, long sequence, bool endOfBatch)
        {
            if (data.Value != seen.Count || sequence != seen.Count)
            {
                seen.OutOfOrder++;
            }

            _remainingInBatch--;
            if (endOfBatch != (_remainingInBatch == 0))
            {
                seen.WrongEndOfBatch++;
            }

            if (endOfBatch)
            {
                seen.EndOfBatchCount++;
            }

            seen.Count++;
        }
    }

    [Theory]
    [MemberData(nameof(TestWaitStrategies.NonSpinning), MemberType = typeof(TestWaitStrategies))]
    public void Events_are_consumed_once_each_in_the_order_they_were_published(string waitStrategy)
    {
        const int Events = 200_000;
        RingBuffer<Numbered> ring = RingBuffer<Numbered>.CreateSingleProducer(256, WaitStrategies.Create(waitStrategy));
        var seen = new Observations();
        var consumer = GatedConsumer.On(ring, new CheckingHandler(seen));

        using (ProcessorScope.Start(consumer, "sp-order-consumer"))
        {
            for (long i = 0; i < Events; i++)
            {
                long s = ring.Next();
                ring[s].Value = i;
                ring.Publish(s);
            }

            Assert.True(Eventually.Holds(() => consumer.Sequence.Value == Events - 1));
        }

        Assert.Null(consumer.Fault);
        Assert.Equal(Events, seen.Count);
        Assert.Equal(0, seen.OutOfOrder);
    }

    [Fact]
    public void End_of_batch_is_set_exactly_on_the_last_event_of_each_batch()
    {
        const int Backlog = 100;
        const int Events = 50_000;
        RingBuffer<Numbered> ring = RingBuffer<Numbered>.CreateSingleProducer(1024, new YieldingWaitStrategy());
        var seen = new Observations();
        var consumer = GatedConsumer.On(ring, new CheckingHandler(seen));

        // A backlog published before the consumer starts must arrive as one batch.
        for (long i = 0; i < Backlog; i++)
        {
            long s = ring.Next();
            ring[s].Value = i;
            ring.Publish(s);
        }

        using (ProcessorScope.Start(consumer, "sp-batch-consumer"))
        {
            Assert.True(Eventually.Holds(() => consumer.Sequence.Value == Backlog - 1));

            // Then batches claimed several slots at a time, of varying sizes.
            long next = Backlog;
            var sizes = new Random(42);
            while (next < Events)
            {
                int n = (int)Math.Min(sizes.Next(1, 64), Events - next);
                long hi = ring.Next(n);
                long lo = hi - n + 1;
                for (long s = lo; s <= hi; s++)
                {
                    ring[s].Value = s;
                }

                ring.Publish(lo, hi);
                next += n;
            }

            Assert.True(Eventually.Holds(() => consumer.Sequence.Value == Events - 1));
        }

        Assert.Null(consumer.Fault);
        Assert.Equal(Events, seen.Count);
        Assert.Equal(0, seen.OutOfOrder);
        Assert.Equal(Backlog, seen.BatchSizes[0]);
        Assert.Equal(Events, seen.BatchSizes.Sum());
        Assert.Equal(seen.BatchSizes.Count, seen.EndOfBatchCount);
        Assert.Equal(0, seen.WrongEndOfBatch);
    }

    [Fact]
    public void A_halted_processor_resumes_after_the_last_event_it_handled()
    {
        RingBuffer<Numbered> ring = RingBuffer<Numbered>.CreateSingleProducer(64, new BlockingWaitStrategy());
        var seen = new Observations();
        var consumer = GatedConsumer.On(ring, new CheckingHandler(seen));

        for (int run = 0; run < 3; run++)
        {
            using (ProcessorScope.Start(consumer, $"sp-resume-consumer-{run}"))
            {
                for (int i = 0; i < 100; i++)
                {
                    long s = ring.Next();
                    ring[s].Value = s;
                    ring.Publish(s);
                }

                long last = ring.Cursor;
                Assert.True(Eventually.Holds(() => consumer.Sequence.Value == last));
            }

            Assert.False(consumer.IsRunning);
        }

        Assert.Null(consumer.Fault);
        Assert.Equal(300, seen.Count);
        Assert.Equal(0, seen.OutOfOrder);
    }
}
