using LiquidationEngine.Ring;
using Xunit;

namespace LiquidationEngine.Tests.Ring;

[Collection(SerialRingTests.Name)]
public sealed class MultiProducerTests
{
    private struct ProducerEvent
    {
        public int ProducerId;
        public long Counter;
    }

    /// <summary>What the consumer saw, shared with the test thread (read after the consumer stopped).</summary>
    private sealed class Observations(int producers)
    {
        public readonly long[] LastCounter = Enumerable.Repeat(-1L, producers).ToArray();
        public long Count;
        public long NonContiguousSequences;
        public long CounterViolations;
        public long UnknownProducers;
        public string? FirstViolation;
    }

    /// <summary>Asserts, per event: sequences run 0, 1, 2...; each producer's counter is exactly one more than the
    /// last one seen from it (so nothing is lost, repeated, reordered or overwritten).</summary>
    private struct StressHandler(Observations seen) : IEventHandler<ProducerEvent>
    {
        public readonly void OnEvent(ref ProducerEvent data, long sequence, bool endOfBatch)
        {
            if (sequence != seen.Count)
            {
                seen.NonContiguousSequences++;
                seen.FirstViolation ??= $"sequence {sequence} after {seen.Count - 1}";
            }

            if ((uint)data.ProducerId >= (uint)seen.LastCounter.Length)
            {
                seen.UnknownProducers++;
            }
            else
            {
                long last = seen.LastCounter[data.ProducerId];
                if (data.Counter != last + 1)
                {
                    seen.CounterViolations++;
                    seen.FirstViolation ??= $"producer {data.ProducerId}: counter {data.Counter} after {last} at sequence {sequence}";
                }

                seen.LastCounter[data.ProducerId] = data.Counter;
            }

            seen.Count++;
        }
    }

    [Theory]
    [InlineData(1024, 1_000_000, "yielding")]
    [InlineData(1024, 250_000, "blocking")]
    [InlineData(16, 50_000, "yielding")]
    [InlineData(8, 25_000, "blocking")]
    public void Every_published_event_is_consumed_exactly_once_in_order_with_four_producers(
        int ringSize, int eventsPerProducer, string waitStrategy)
    {
        const int Producers = 4;
        RingBuffer<ProducerEvent> ring = RingBuffer<ProducerEvent>.CreateMultiProducer(ringSize, WaitStrategies.Create(waitStrategy));
        var seen = new Observations(Producers);
        var consumer = GatedConsumer.On(ring, new StressHandler(seen));
        long total = (long)Producers * eventsPerProducer;

        using (ProcessorScope.Start(consumer, "mp-stress-consumer"))
        {
            using var go = new ManualResetEventSlim();
            Thread[] producers = Enumerable.Range(0, Producers)
                .Select(id => new Thread(() =>
                {
                    go.Wait();
                    for (long counter = 0; counter < eventsPerProducer; counter++)
                    {
                        long s = ring.Next();
                        ref ProducerEvent slot = ref ring[s];
                        slot.ProducerId = id;
                        slot.Counter = counter;
                        ring.Publish(s);
                    }
                })
                { Name = $"mp-stress-producer-{id}", IsBackground = true })
                .ToArray();

            foreach (Thread producer in producers)
            {
                producer.Start();
            }

            go.Set();
            foreach (Thread producer in producers)
            {
                Assert.True(producer.Join(Eventually.Patience), "a producer never finished");
            }

            Assert.True(Eventually.Holds(() => consumer.Sequence.Value == total - 1), $"consumed up to {consumer.Sequence.Value} of {total - 1}");
        }

        Assert.Null(consumer.Fault);
        Assert.Null(seen.FirstViolation);
        Assert.Equal(total, seen.Count);
        Assert.Equal(0, seen.NonContiguousSequences);
        Assert.Equal(0, seen.CounterViolations);
        Assert.Equal(0, seen.UnknownProducers);
        Assert.All(seen.LastCounter, last => Assert.Equal(eventsPerProducer - 1, last));
        Assert.Equal(total - 1, ring.Cursor);
    }

    [Fact]
    public void Batch_claims_from_several_producers_deliver_every_slot_of_every_batch()
    {
        const int Producers = 3;
        const int Batches = 5_000;
        RingBuffer<ProducerEvent> ring = RingBuffer<ProducerEvent>.CreateMultiProducer(64, new YieldingWaitStrategy());
        var seen = new Observations(Producers);
        var consumer = GatedConsumer.On(ring, new StressHandler(seen));
        long[] published = new long[Producers];

        using (ProcessorScope.Start(consumer, "mp-batch-consumer"))
        {
            Thread[] producers = Enumerable.Range(0, Producers)
                .Select(id => new Thread(() =>
                {
                    long counter = 0;
                    for (int b = 0; b < Batches; b++)
                    {
                        int n = 1 + ((b + id) % 7);
                        long hi = ring.Next(n);
                        long lo = hi - n + 1;
                        for (long s = lo; s <= hi; s++)
                        {
                            ring[s].ProducerId = id;
                            ring[s].Counter = counter++;
                        }

                        ring.Publish(lo, hi);
                    }

                    published[id] = counter;
                })
                { Name = $"mp-batch-producer-{id}", IsBackground = true })
                .ToArray();

            foreach (Thread producer in producers)
            {
                producer.Start();
            }

            foreach (Thread producer in producers)
            {
                Assert.True(producer.Join(Eventually.Patience), "a producer never finished");
            }

            long total = published.Sum();
            Assert.True(Eventually.Holds(() => consumer.Sequence.Value == total - 1));
        }

        Assert.Null(consumer.Fault);
        Assert.Null(seen.FirstViolation);
        Assert.Equal(published.Sum(), seen.Count);
        Assert.Equal(published.Select(p => p - 1), seen.LastCounter);
    }

    [Fact]
    public void A_barrier_hands_out_only_the_contiguous_published_run_when_producers_publish_out_of_order()
    {
        RingBuffer<ProducerEvent> ring = RingBuffer<ProducerEvent>.CreateMultiProducer(8, new BlockingWaitStrategy());
        SequenceBarrier barrier = ring.NewBarrier();
        ring.AddGatingSequences(new Sequence());

        long first = ring.Next();
        long second = ring.Next();
        long third = ring.Next();
        ring.Publish(first);
        ring.Publish(third);

        Assert.Equal(2, ring.Cursor); // claimed, not all published
        Assert.Equal(0, barrier.WaitFor(0));
        Assert.Equal(SequenceBarrier.TimedOut, barrier.WaitFor(1, TimeSpan.FromMilliseconds(20)));

        ring.Publish(second);

        Assert.Equal(2, barrier.WaitFor(1));
        Assert.True(ring.Sequencer.IsAvailable(third));
        Assert.False(ring.Sequencer.IsAvailable(third + 1));
    }
}
