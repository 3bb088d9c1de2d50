using LiquidationEngine.Ring;
using Xunit;

namespace LiquidationEngine.Tests.Ring;

[Collection(SerialRingTests.Name)]
public sealed class ProcessorFaultTests
{
    private struct Payment
    {
        public long Amount;
    }

    private static void PublishPayments(RingBuffer<Payment> ring, int count)
    {
        for (int i = 0; i < count; i++)
        {
            long s = ring.Next();
            ring[s].Amount = 100 * (i + 1);
            ring.Publish(s);
        }
    }

    private sealed class Observations
    {
        public long Handled;
        public long HighestSeen = -1;
        public volatile bool ShutDown;
    }

    private struct FailingHandler(long failAt, Observations seen) : IEventHandler<Payment>
    {
        public readonly void OnEvent(ref Payment data, long sequence, bool endOfBatch)
        {
            if (sequence == failAt)
            {
                throw new InvalidOperationException($"cannot handle payment {sequence}");
            }

            seen.Handled++;
        }

        public readonly void OnShutdown() => seen.ShutDown = true;
    }

    private struct RecordingHandler(Observations seen) : IEventHandler<Payment>
    {
        public readonly void OnEvent(ref Payment data, long sequence, bool endOfBatch)
        {
            seen.Handled++;
            Volatile.Write(ref seen.HighestSeen, sequence);
        }
    }

    [Fact]
    public void A_handler_exception_is_recorded_and_stops_the_processor_at_the_last_good_event()
    {
        RingBuffer<Payment> ring = RingBuffer<Payment>.CreateSingleProducer(16, new BlockingWaitStrategy());
        var seen = new Observations();
        var downstreamSeen = new Observations();
        var failing = new BatchEventProcessor<Payment, FailingHandler>(ring, ring.NewBarrier(), new FailingHandler(5, seen));
        var downstream = new BatchEventProcessor<Payment, RecordingHandler>(
            ring, ring.NewBarrier(failing.Sequence), new RecordingHandler(downstreamSeen));
        ring.AddGatingSequences(downstream.Sequence);

        failing.Start("failing-stage");
        using (ProcessorScope.Start(downstream, "downstream-stage"))
        {
            PublishPayments(ring, 10);

            Assert.True(failing.Join(Eventually.Patience), "the faulted processor's thread did not end");
            Assert.True(Eventually.Holds(() => Volatile.Read(ref downstreamSeen.HighestSeen) == 4));
        }

        InvalidOperationException fault = Assert.IsType<InvalidOperationException>(failing.Fault);
        Assert.Contains("payment 5", fault.Message, StringComparison.Ordinal);
        Assert.False(failing.IsRunning);
        Assert.True(seen.ShutDown);
        Assert.Equal(5, seen.Handled);
        Assert.Equal(4, failing.Sequence.Value);

        // The event that faulted, and everything after it, never reached the next stage.
        Assert.Equal(5, downstreamSeen.Handled);
        Assert.Equal(4, downstreamSeen.HighestSeen);
        Assert.Null(downstream.Fault);
    }

    [Fact]
    public void A_processor_cannot_run_on_two_threads_at_once()
    {
        RingBuffer<Payment> ring = RingBuffer<Payment>.CreateSingleProducer(16, new BlockingWaitStrategy());
        var consumer = new BatchEventProcessor<Payment, RecordingHandler>(ring, ring.NewBarrier(), new RecordingHandler(new Observations()));

        using (ProcessorScope.Start(consumer, "only-consumer"))
        {
            Assert.True(Eventually.Holds(() => consumer.IsRunning));
            Assert.Throws<InvalidOperationException>(() => consumer.Start("second-thread"));
            Assert.Throws<InvalidOperationException>(consumer.Run);
        }

        Assert.Null(consumer.Fault);
    }
}
