using System.Collections.Concurrent;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Pipeline;

/// <summary>The engine run the way the daemon and replay run it: inputs through the ring, one writer thread, events out through the output ring.</summary>
public class EnginePipelineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private sealed class QueueSink : IEngineEventSink
    {
        public ConcurrentQueue<EngineEvent> Events { get; } = new();

        public void Emit(in EngineEvent e) => Events.Enqueue(e);
    }

    private static EngineOptions Options(bool multiProducer = false) => new()
    {
        RingSize = 1024, OutputRingSize = 1 << 16, PositionCapacity = 4096, AccountCapacity = 4096,
        OpenOrderCapacity = 8192, WaitStrategy = "yielding", MultiProducer = multiProducer,
    };

    /// <summary>A seeded stream of opens, funding, margin moves and a crash-and-recover mark path.</summary>
    private static List<EngineCommand> Script(int seed, int positions, int ticks)
    {
        var rng = new Random(seed);
        var script = new List<EngineCommand>();
        for (int a = 1; a <= positions; a++)
        {
            script.Add(new EngineCommand { Kind = CommandKind.Deposit, Account = a, Amount = Usd("100000") });
            script.Add(new EngineCommand
            {
                Kind = CommandKind.TradeFill, Account = a, Instrument = 0, Side = (sbyte)(a % 3 == 0 ? -1 : 1),
                Quantity = Qty("0.001") * rng.Next(1, 2000), Price = Px("20000") + (Px("1") * rng.Next(-200, 200)), Leverage = rng.Next(2, 50),
            });
        }

        long mark = Px("20000");
        for (int t = 0; t < ticks; t++)
        {
            mark += Px("1") * rng.Next(-40, 38);
            mark = Math.Clamp(mark, Px("12000"), Px("26000"));
            script.Add(new EngineCommand { Kind = CommandKind.MarkTick, Instrument = 0, Price = mark });
            if (t % 500 == 0)
            {
                script.Add(new EngineCommand { Kind = CommandKind.FundingSettlement, Instrument = 0, Price = mark, Amount = R("0.0001").Raw * rng.Next(-3, 4) });
            }
        }

        return script;
    }

    private static (ulong Hash, List<EngineEvent> Events) RunThroughPipeline(List<EngineCommand> script, bool multiProducer = false)
    {
        var sink = new QueueSink();
        using var pipeline = new EnginePipeline(Catalog(), Options(multiProducer));
        pipeline.AddSink(sink);
        pipeline.Start();
        long last = -1;
        foreach (EngineCommand c in script)
        {
            last = pipeline.Publish(c);
        }

        Assert.True(pipeline.WaitUntilApplied(last, Wait));
        Assert.True(pipeline.Stop(Wait));
        Assert.Null(pipeline.Fault);
        return (StateHasher.Compute(pipeline.Core.State), sink.Events.ToList());
    }

    [Fact]
    public void Replaying_the_same_inputs_gives_the_same_state_hash_and_the_same_orders()
    {
        List<EngineCommand> script = Script(seed: 11, positions: 2000, ticks: 20_000);
        (ulong h1, List<EngineEvent> e1) = RunThroughPipeline(script);
        (ulong h2, List<EngineEvent> e2) = RunThroughPipeline(script);
        Assert.Equal(h1, h2);
        Assert.Equal(e1, e2);
        Assert.Contains(e1, e => e.Kind == EventKind.LiquidationOrder);

        // The ring path and a direct, single-threaded application of the same inputs agree bit for bit.
        var direct = new Engine(Catalog(), positions: 4096);
        foreach (EngineCommand c in script)
        {
            direct.Apply(c);
        }

        Assert.Equal(h1, direct.Hash());
    }

    [Fact]
    public void Orders_carry_deterministic_ids_and_contiguous_event_sequences()
    {
        (_, List<EngineEvent> events) = RunThroughPipeline(Script(seed: 5, positions: 500, ticks: 5000));
        List<EngineEvent> orders = events.Where(e => e.Kind == EventKind.LiquidationOrder).ToList();
        Assert.NotEmpty(orders);
        Assert.Equal(Enumerable.Range(1, orders.Count).Select(i => (long)i), orders.Select(o => o.OrderId));
        List<long> seqs = events.Where(e => e.Kind.IsBroadcast()).Select(e => e.EventSequence).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.All(orders, o => Assert.True(o.TriggerMark > 0 && o.InputSequence >= 0 && o.Quantity > 0));
    }

    [Fact]
    public void Concurrent_producers_have_every_input_applied_exactly_once()
    {
        var sink = new QueueSink();
        using var pipeline = new EnginePipeline(Catalog(), Options(multiProducer: true));
        pipeline.AddSink(sink);
        pipeline.Start();
        const int producers = 4, perProducer = 20_000;
        Thread[] threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            for (int i = 0; i < perProducer; i++)
            {
                pipeline.Publish(new EngineCommand { Kind = CommandKind.Deposit, Account = p + 1, Amount = Usd("1"), SourceId = 1, ClientSequence = i });
            }
        })).ToArray();
        foreach (Thread t in threads)
        {
            t.Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Assert.True(pipeline.Stop(Wait));
        for (int p = 1; p <= producers; p++)
        {
            int ix = pipeline.Core.State.Accounts.Find(p);
            Assert.Equal(Usd("1") * perProducer, pipeline.Core.State.Accounts.Main(ix, Usdt));
            // Each producer's acks come back in its own order.
            List<long> acks = sink.Events.Where(e => e.Kind == EventKind.Ack && e.Account == p).Select(e => e.ClientSequence).ToList();
            Assert.Equal(Enumerable.Range(0, perProducer).Select(i => (long)i), acks);
        }
    }

    private sealed class SlowSink : IEngineEventSink
    {
        public int Seen;

        public void Emit(in EngineEvent e)
        {
            Thread.Sleep(1);
            Interlocked.Increment(ref Seen);
        }
    }

    [Fact]
    public void A_slow_sink_does_not_hold_the_writer_back()
    {
        var sink = new SlowSink();
        using var pipeline = new EnginePipeline(Catalog(), Options());
        pipeline.AddSink(sink);
        pipeline.Start();
        long last = -1;
        for (int i = 0; i < 2000; i++)
        {
            last = pipeline.Publish(new EngineCommand { Kind = CommandKind.Deposit, Account = 1, Amount = Usd("1"), SourceId = 9 });
        }

        // The writer has applied everything while the sink (1 ms an event) has seen only a fraction of the acks.
        var spin = default(SpinWait);
        while (pipeline.WriterSequence < last)
        {
            spin.SpinOnce(sleep1Threshold: 10);
        }

        Assert.True(Volatile.Read(ref sink.Seen) < 1000, $"sink saw {sink.Seen} already");
        Assert.True(pipeline.Stop(Wait));
        Assert.Equal(2000, sink.Seen);
    }

    [Fact]
    public void The_writer_allocates_nothing_over_a_million_ticks_that_cross_the_index()
    {
        // 5,000 positions around 20,000; the mark oscillates 16,000–24,000 so positions are crossed on the way down
        // (longs) and up (shorts), liquidated, filled, and reopened; funding shifts keys so false positives are re-keyed.
        InstrumentCatalog catalog = Catalog();
        var sink = new QueueSink();
        var options = Options();
        options.RingSize = 1 << 14;
        options.OutputRingSize = 1 << 18;
        options.PositionCapacity = 8192;
        using var pipeline = new EnginePipeline(catalog, options);
        pipeline.AddSink(sink);
        pipeline.Start();
        var rng = new Random(3);
        const int accounts = 5000;
        for (int a = 1; a <= accounts; a++)
        {
            pipeline.Publish(new EngineCommand { Kind = CommandKind.Deposit, Account = a, Amount = Usd("100000000") });
        }

        pipeline.Publish(new EngineCommand { Kind = CommandKind.InsuranceDeposit, Amount = Usd("1000000000") });
        long mark = Px("20000");
        void Open(long account, long price) => pipeline.Publish(new EngineCommand
        {
            Kind = CommandKind.TradeFill, Account = account, Instrument = 0, Side = (sbyte)(account % 2 == 0 ? 1 : -1),
            Quantity = Qty("0.01") * (1 + (account % 7)), Price = price - (price % Px("0.01")), Leverage = 5 + (int)(account % 40),
        });

        for (int a = 1; a <= accounts; a++)
        {
            Open(a, mark);
        }

        long crossings = 0;
        long baseline = -1;
        const int ticks = 1_000_000;
        for (int t = 0; t < ticks; t++)
        {
            double phase = Math.Sin(t / 3000.0);
            mark = Px("20000") + (long)(phase * Px("4000")) + (Px("0.01") * rng.Next(-50, 50));
            mark -= mark % Px("0.01");
            long seq = pipeline.Publish(new EngineCommand { Kind = CommandKind.MarkTick, Instrument = 0, Price = mark });
            if (t % 5000 == 0)
            {
                pipeline.Publish(new EngineCommand { Kind = CommandKind.FundingSettlement, Instrument = 0, Price = mark, Amount = R("0.0003").Raw });
            }

            if (t % 1000 == 999)
            {
                // Settle what was liquidated and reopen, like a venue's matching engine and its traders would.
                Assert.True(pipeline.WaitUntilApplied(seq, Wait));
                while (sink.Events.TryDequeue(out EngineEvent e))
                {
                    if (e.Kind == EventKind.LiquidationOrder)
                    {
                        crossings++;
                        pipeline.Publish(new EngineCommand { Kind = CommandKind.LiquidationFill, Aux = e.OrderId, Quantity = e.Quantity, Price = e.Price });
                        Open(e.Account, mark);
                    }
                }

                if (t == 99_999)
                {
                    baseline = pipeline.WriterAllocatedBytes; // after warm-up: JIT tiers, dictionary growth, first ring laps
                }
            }
        }

        Assert.True(pipeline.Stop(Wait));
        Assert.Null(pipeline.Fault);
        Assert.True(crossings > 1000, $"only {crossings} liquidations: the ticks did not cross the index");
        Assert.Equal(baseline, pipeline.WriterAllocatedBytes);
    }
}
