using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Pipeline;

namespace LiquidationEngine.Tests.Pipeline;

/// <summary>A stage that throws reports itself at once, on its own thread, and the pipeline stops taking input.</summary>
public class StageFaultTests
{
    private static EngineOptions Small() => new() { RingSize = 64, OutputRingSize = 256, PositionCapacity = 16, AccountCapacity = 16, OpenOrderCapacity = 16, WaitStrategy = "blocking" };

    private static EngineCommand Deposit() => new() { Kind = CommandKind.Deposit, Account = 1, Asset = 0, Amount = Usd("1") };

    private sealed class FailingJournal(long failAt) : IInputJournal
    {
        public void Append(in EngineCommand command, long sequence)
        {
            if (sequence == failAt)
            {
                throw new IOException("No space left on device");
            }
        }

        public void Flush()
        {
        }
    }

    private sealed class ThrowingSink : IEngineEventSink
    {
        public void Emit(in EngineEvent e) => throw new InvalidOperationException("sink bug");
    }

    private sealed class Faults : IDisposable
    {
        private readonly List<(string Stage, Exception Error, string? Thread)> _seen = [];
        public readonly ManualResetEventSlim Raised = new(false);

        public void On(string stage, Exception error)
        {
            lock (_seen)
            {
                _seen.Add((stage, error, System.Threading.Thread.CurrentThread.Name));
            }

            Raised.Set();
        }

        public void Dispose() => Raised.Dispose();

        /// <summary>Waits for the one fault, checks it names <paramref name="stage"/> and was raised on the stage's
        /// own thread <paramref name="thread"/>, and returns its error.</summary>
        public Exception Single(string stage, string thread)
        {
            Assert.True(Raised.Wait(TimeSpan.FromSeconds(5)), "no fault was raised");
            Thread.Sleep(100); // a second report would arrive now
            (string Stage, Exception Error, string? Thread) fault;
            lock (_seen)
            {
                fault = Assert.Single(_seen);
            }

            Assert.Equal((stage, thread), (fault.Stage, fault.Thread));
            return fault.Error;
        }
    }

    [Fact]
    public void A_journal_that_throws_is_reported_as_the_journal_stage_on_its_thread_and_intake_stops()
    {
        using var faults = new Faults();
        using var p = new EnginePipeline(Catalog(), Small()) { Journal = new FailingJournal(failAt: 2), StageFaulted = faults.On };
        p.Start();
        for (int i = 0; i < 3; i++)
        {
            p.Publish(Deposit());
        }

        Exception error = faults.Single("journal", "liq-journal");

        Assert.Equal("No space left on device", Assert.IsType<IOException>(error).Message);
        Assert.Same(error, p.Fault);
        Assert.Throws<InvalidOperationException>(() => p.Publish(Deposit()));
        Assert.False(p.TryPublish(Deposit(), out _));
    }

    [Fact]
    public void A_sink_that_throws_is_reported_as_the_output_stage()
    {
        using var faults = new Faults();
        using var p = new EnginePipeline(Catalog(), Small()) { StageFaulted = faults.On };
        p.AddSink(new ThrowingSink());
        p.Start();
        p.Publish(Deposit() with { SourceId = 7 }); // an input from a client is acked: the sink sees the ack

        Assert.Equal("sink bug", faults.Single("output", "liq-output").Message);
    }

    [Fact]
    public void A_writer_that_throws_is_reported_as_the_writer_stage()
    {
        using var faults = new Faults();
        using var p = new EnginePipeline(Catalog(), Small())
        {
            StageFaulted = faults.On,
            SnapshotRequested = (_, _) => throw new InvalidOperationException("snapshot serialiser bug"),
        };
        p.Start();
        p.Publish(new EngineCommand { Kind = CommandKind.Snapshot });

        Assert.Equal("snapshot serialiser bug", faults.Single("writer", "liq-writer").Message);
    }

    [Fact]
    public void A_clean_stop_raises_no_fault_and_the_state_gauges_follow_the_writer()
    {
        using var faults = new Faults();
        using var p = new EnginePipeline(Catalog(), Small()) { StageFaulted = faults.On };
        p.Start();
        p.Publish(new EngineCommand { Kind = CommandKind.InsuranceDeposit, Asset = 0, Amount = Usd("250.5") });
        p.Publish(Deposit() with { Amount = Usd("10000") });
        long last = p.Publish(new EngineCommand { Kind = CommandKind.TradeFill, Account = 1, Instrument = 0, Side = 1, Quantity = Qty("0.1"), Price = Px("20000"), Leverage = 10 });
        Assert.True(p.WaitUntilApplied(last, TimeSpan.FromSeconds(5)));

        Assert.Equal(1, p.StateGauges.OpenPositions);
        Assert.Equal(0, p.StateGauges.OpenOrders);
        Assert.Equal(Usd("250.5"), p.StateGauges.InsuranceFund(0));
        Assert.True(p.Stop(TimeSpan.FromSeconds(5)));
        Assert.False(faults.Raised.Wait(TimeSpan.FromMilliseconds(200)));
    }
}
