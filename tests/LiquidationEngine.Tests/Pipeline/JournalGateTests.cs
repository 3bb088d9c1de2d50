using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Pipeline;

namespace LiquidationEngine.Tests.Pipeline;

/// <summary>Outputs wait for the journal: a journal stage that faults mid-batch must not release events whose inputs it
/// never flushed.</summary>
public class JournalGateTests
{
    private sealed class GatedJournal : IInputJournal, IDisposable
    {
        public void Dispose() => Gate.Dispose();

        public readonly ManualResetEventSlim Gate = new(false);
        public long Flushed = -1;
        private long _appended = -1;

        public void Append(in EngineCommand command, long sequence)
        {
            if (sequence == 0)
            {
                Gate.Wait(TimeSpan.FromSeconds(10)); // let 1 and 2 be published so they form the next batch
            }

            if (sequence == 2)
            {
                throw new IOException("disk full");
            }

            _appended = sequence;
        }

        public void Flush() => Volatile.Write(ref Flushed, _appended);
    }

    private sealed class Collect : IEngineEventSink
    {
        public readonly List<long> Released = [];
        public void Emit(in EngineEvent e)
        {
            lock (Released)
            {
                Released.Add(e.InputSequence);
            }
        }
    }

    [Fact]
    public void No_event_leaves_before_its_input_is_flushed_even_when_the_journal_faults()
    {
        using var journal = new GatedJournal();
        var sink = new Collect();
        using var p = new EnginePipeline(Catalog(), new EngineOptions { RingSize = 64, OutputRingSize = 256, PositionCapacity = 16, AccountCapacity = 16, OpenOrderCapacity = 16 })
        {
            Journal = journal,
        };
        p.AddSink(sink);
        p.Start();
        for (int i = 0; i < 3; i++)
        {
            p.Publish(new EngineCommand { Kind = CommandKind.Deposit, Account = 1, Asset = 0, Amount = Usd("1"), SourceId = 7, ClientSequence = i });
        }

        Thread.Sleep(200);
        journal.Gate.Set();
        SpinWait.SpinUntil(() => p.Fault is not null, TimeSpan.FromSeconds(5));
        Thread.Sleep(300);
        long flushed = Volatile.Read(ref journal.Flushed);
        lock (sink.Released)
        {
            Assert.All(sink.Released, s => Assert.True(s <= flushed, $"event of input {s} released, journal flushed only up to {flushed}"));
        }
    }
}
