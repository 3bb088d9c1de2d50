using LiquidationEngine.Ring;
using Xunit;

namespace LiquidationEngine.Tests.Ring;

[Collection(SerialRingTests.Name)]
public sealed class WaitStrategyTests
{
    private struct Tick
    {
        public int Producer;
        public long Counter;
    }

    /// <summary>What the consumer saw, shared with the test thread.</summary>
    private sealed class Observations
    {
        public long Count;
        public long Sum;
        public volatile bool Started;
        public volatile bool ShutDown;
        public long TimeoutCalls;
        public long LastTimeoutSequence = long.MinValue;
        public long TimeoutAheadOfHandled;
    }

    private struct CountingHandler(Observations seen) : IEventHandler<Tick>
    {
        private long _handled = -1;

        public void OnEvent(ref Tick data, long sequence, bool endOfBatch)
        {
            seen.Count++;
            seen.Sum += data.Counter;
            _handled = sequence;
        }

        public readonly void OnStart() => seen.Started = true;

        public readonly void OnShutdown() => seen.ShutDown = true;

        public readonly void OnTimeout(long sequence)
        {
            if (sequence != _handled)
            {
                seen.TimeoutAheadOfHandled++;
            }

            Volatile.Write(ref seen.LastTimeoutSequence, sequence);
            Interlocked.Increment(ref seen.TimeoutCalls);
        }
    }

    [Theory]
    [MemberData(nameof(TestWaitStrategies.NonSpinning), MemberType = typeof(TestWaitStrategies))]
    public void Each_wait_strategy_delivers_every_event_from_two_producers(string waitStrategy)
    {
        const int PerProducer = 50_000;
        RingBuffer<Tick> ring = RingBuffer<Tick>.CreateMultiProducer(128, WaitStrategies.Create(waitStrategy));
        var seen = new Observations();
        var consumer = GatedConsumer.On(ring, new CountingHandler(seen));

        using (ProcessorScope.Start(consumer, $"{waitStrategy}-consumer"))
        {
            Thread[] producers = Enumerable.Range(0, 2).Select(id => new Thread(() =>
            {
                for (long c = 0; c < PerProducer; c++)
                {
                    long s = ring.Next();
                    ring[s] = new Tick { Producer = id, Counter = c };
                    ring.Publish(s);
                }
            })
            { IsBackground = true }).ToArray();
            foreach (Thread p in producers)
            {
                p.Start();
            }

            foreach (Thread p in producers)
            {
                Assert.True(p.Join(Eventually.Patience));
            }

            Assert.True(Eventually.Holds(() => consumer.Sequence.Value == (2 * PerProducer) - 1));
        }

        Assert.Null(consumer.Fault);
        Assert.Equal(2 * PerProducer, seen.Count);
        Assert.Equal(2 * ((long)PerProducer * (PerProducer - 1) / 2), seen.Sum);
    }

    [Fact]
    public void Busy_spin_delivers_every_event_and_stops_when_halted()
    {
        // Kept short: a busy-spinning consumer owns a core for as long as it runs.
        const int Events = 10_000;
        RingBuffer<Tick> ring = RingBuffer<Tick>.CreateSingleProducer(1024, new BusySpinWaitStrategy());
        var seen = new Observations();
        var consumer = GatedConsumer.On(ring, new CountingHandler(seen));

        consumer.Start("busy-spin-consumer");
        try
        {
            for (long c = 0; c < Events; c++)
            {
                long s = ring.Next();
                ring[s].Counter = c;
                ring.Publish(s);
            }

            Assert.True(Eventually.Holds(() => consumer.Sequence.Value == Events - 1));
        }
        finally
        {
            Assert.True(consumer.Stop(Eventually.Patience));
        }

        Assert.False(consumer.IsRunning);
        Assert.True(seen.ShutDown);
        Assert.Null(consumer.Fault);
        Assert.Equal(Events, seen.Count);
    }

    [Theory]
    [MemberData(nameof(TestWaitStrategies.NonSpinning), MemberType = typeof(TestWaitStrategies))]
    public void Halt_stops_a_consumer_waiting_on_an_empty_ring(string waitStrategy)
    {
        RingBuffer<Tick> ring = RingBuffer<Tick>.CreateSingleProducer(64, WaitStrategies.Create(waitStrategy));
        var seen = new Observations();
        var consumer = GatedConsumer.On(ring, new CountingHandler(seen));

        consumer.Start($"{waitStrategy}-idle-consumer");
        Assert.True(Eventually.Holds(() => seen.Started));
        Thread.Sleep(20); // let it get into its wait

        bool stopped = consumer.Stop(Eventually.Patience);

        Assert.True(stopped, "the consumer did not stop after Halt");
        Assert.False(consumer.IsRunning);
        Assert.True(seen.ShutDown);
        Assert.Null(consumer.Fault);
        Assert.Equal(0, seen.Count);
    }

    [Fact]
    public void Halt_stops_a_chained_stage_whose_upstream_stage_never_moves()
    {
        RingBuffer<Tick> ring = RingBuffer<Tick>.CreateSingleProducer(64, new BlockingWaitStrategy());
        var stuckUpstream = new Sequence();
        var seen = new Observations();
        var consumer = new BatchEventProcessor<Tick, CountingHandler>(ring, ring.NewBarrier(stuckUpstream), new CountingHandler(seen));
        ring.AddGatingSequences(consumer.Sequence);

        // Published, so the blocking strategy's wait on the producer is over; the wait on the upstream stage is not.
        ring.Publish(ring.Next());
        consumer.Start("chained-idle-consumer");
        Assert.True(Eventually.Holds(() => seen.Started));
        Thread.Sleep(20);

        Assert.True(consumer.Stop(Eventually.Patience), "the consumer did not stop after Halt");
        Assert.Equal(0, seen.Count);
        Assert.Equal(-1, consumer.Sequence.Value);
    }

    [Fact]
    public void Halting_before_the_thread_runs_still_stops_it()
    {
        RingBuffer<Tick> ring = RingBuffer<Tick>.CreateSingleProducer(64, new BlockingWaitStrategy());
        var seen = new Observations();
        var consumer = new BatchEventProcessor<Tick, CountingHandler>(ring, ring.NewBarrier(), new CountingHandler(seen));

        consumer.Halt();
        consumer.Start("halted-early-consumer");

        Assert.True(consumer.Join(Eventually.Patience));
        Assert.False(consumer.IsRunning);
    }

    [Theory]
    [MemberData(nameof(TestWaitStrategies.NonSpinning), MemberType = typeof(TestWaitStrategies))]
    public void An_idle_consumer_gets_timeouts_for_idle_work_with_the_last_sequence_it_handled(string waitStrategy)
    {
        RingBuffer<Tick> ring = RingBuffer<Tick>.CreateSingleProducer(64, WaitStrategies.Create(waitStrategy));
        var seen = new Observations();
        var consumer = GatedConsumer.On(ring, new CountingHandler(seen), TimeSpan.FromMilliseconds(5));

        using (ProcessorScope.Start(consumer, $"{waitStrategy}-timeout-consumer"))
        {
            Assert.True(Eventually.Holds(() => Interlocked.Read(ref seen.TimeoutCalls) > 0));
            Assert.Equal(-1, Volatile.Read(ref seen.LastTimeoutSequence));

            for (int i = 0; i < 3; i++)
            {
                ring.Publish(ring.Next());
            }

            Assert.True(Eventually.Holds(() => Volatile.Read(ref seen.LastTimeoutSequence) == 2));
        }

        Assert.Null(consumer.Fault);
        Assert.Equal(3, seen.Count);
        Assert.Equal(0, seen.TimeoutAheadOfHandled);
    }

    [Theory]
    [InlineData("busy-spin")]
    [InlineData("yielding")]
    [InlineData("sleeping")]
    [InlineData("blocking")]
    public void A_wait_returns_alerted_or_timed_out_instead_of_throwing(string waitStrategy)
    {
        RingBuffer<Tick> ring = RingBuffer<Tick>.CreateSingleProducer(8, WaitStrategies.Create(waitStrategy));
        SequenceBarrier barrier = ring.NewBarrier();

        Assert.Equal(SequenceBarrier.TimedOut, barrier.WaitFor(0, TimeSpan.FromMilliseconds(5)));

        barrier.Alert();
        Assert.True(barrier.IsAlerted);
        Assert.Equal(SequenceBarrier.Alerted, barrier.WaitFor(0));

        barrier.ClearAlert();
        ring.Publish(ring.Next());
        Assert.Equal(0, barrier.WaitFor(0));
    }
}
