using LiquidationEngine.Ring;
using Xunit;

namespace LiquidationEngine.Tests.Ring;

/// <summary>The publish and consume paths allocate nothing per event, on either thread, once warm.</summary>
[Collection(SerialRingTests.Name)]
public sealed class AllocationTests
{
    private const int WarmUpEvents = 200_000;
    private const int MeasuredEvents = 1_000_000;

    private struct Quote
    {
        public long Price;
        public long Quantity;
        public long Time;
        public int Instrument;
    }

    /// <summary>Bytes allocated on the consumer thread, bracketing one run (OnStart to OnShutdown).</summary>
    private sealed class ConsumerBytes
    {
        public long AtStart;
        public long AtShutdown;
        public long Checksum;
    }

    private struct MeasuringHandler(ConsumerBytes bytes) : IEventHandler<Quote>
    {
        private long _checksum;

        public void OnEvent(ref Quote data, long sequence, bool endOfBatch)
        {
            _checksum += data.Price ^ sequence;
        }

        public readonly void OnStart() => bytes.AtStart = GC.GetAllocatedBytesForCurrentThread();

        public readonly void OnShutdown()
        {
            bytes.AtShutdown = GC.GetAllocatedBytesForCurrentThread();
            bytes.Checksum = _checksum;
        }
    }

    [Theory]
    [InlineData("single", "yielding")]
    [InlineData("multi", "yielding")]
    [InlineData("single", "blocking")]
    public void Publishing_and_consuming_a_million_events_allocates_nothing_after_warm_up(string producers, string waitStrategy)
    {
        IWaitStrategy wait = WaitStrategies.Create(waitStrategy);
        RingBuffer<Quote> ring = producers == "single"
            ? RingBuffer<Quote>.CreateSingleProducer(1024, wait)
            : RingBuffer<Quote>.CreateMultiProducer(1024, wait);
        var bytes = new ConsumerBytes();
        var consumer = GatedConsumer.On(ring, new MeasuringHandler(bytes));

        // Warm-up run: JIT and tiering of both loops, thread statics, the wait strategy's first waits.
        using (ProcessorScope.Start(consumer, "alloc-warm-up-consumer"))
        {
            Publish(ring, WarmUpEvents);
            Assert.True(Eventually.Holds(() => consumer.Sequence.Value == WarmUpEvents - 1));
        }

        long publisherBefore;
        long publisherAfter;
        using (ProcessorScope.Start(consumer, "alloc-measured-consumer"))
        {
            publisherBefore = GC.GetAllocatedBytesForCurrentThread();
            Publish(ring, MeasuredEvents);
            publisherAfter = GC.GetAllocatedBytesForCurrentThread();
            Assert.True(Eventually.Holds(() => consumer.Sequence.Value == WarmUpEvents + MeasuredEvents - 1));
        }

        Assert.Null(consumer.Fault);
        Assert.NotEqual(0, bytes.Checksum);
        Assert.Equal(0, publisherAfter - publisherBefore);
        Assert.Equal(0, bytes.AtShutdown - bytes.AtStart);
    }

    private static void Publish(RingBuffer<Quote> ring, int count)
    {
        for (int i = 0; i < count; i++)
        {
            long s = ring.Next();
            ref Quote quote = ref ring[s];
            quote.Price = 27_000_00000000 + i;
            quote.Quantity = i;
            quote.Time = s;
            quote.Instrument = 1;
            ring.Publish(s);
        }
    }
}
