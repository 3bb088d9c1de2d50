using LiquidationEngine.Ledger;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;

namespace LiquidationEngine.Tests.Review;

/// <summary>Regression tests for the findings of the core review: each failed before its fix.</summary>
public class ReviewRegressionTests
{
    private const int Btc = 0;
    private const int Toy = 1;
    private const int BtcEntry = 2;

    // a closing fill whose notional is at/above the last bracket cap is rejected (ValidateFill runs the open-only
    // notional limit on reduces too). The venue has already executed the close; the engine refuses the report.
    [Fact]
    public void A_full_close_is_accepted_even_when_price_moved_the_notional_above_the_last_cap()
    {
        var e = new Engine();
        e.Deposit(1, "2000000");
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "450", "40000", leverage: 10)); // 18M, bracket 10M-20M
        e.Tick(Btc, "45000");                                                           // 20.25M, in profit
        long mainBefore = e.Main(1);
        RejectReason r = e.Fill(1, Btc, -1, "450", "45000");
        Assert.Equal(RejectReason.None, r);
        Assert.True(e.Main(1) > mainBefore);
    }

    // a rejected deposit (Overflow of the cumulative Deposits counter) has already created the account.
    [Fact]
    public void A_rejected_deposit_changes_no_state()
    {
        var e = new Engine();
        Assert.Equal(RejectReason.None, e.Deposit(1, "92000000000"));
        ulong before = e.Hash();
        Assert.Equal(RejectReason.Overflow, e.Deposit(1, "1000000000")); // one balance cannot pass 2^63 raw
        Assert.Equal(before, e.Hash());
        Assert.Equal(RejectReason.InvalidAmount, e.Deposit(2, "0"));
        Assert.Equal(-1, e.State.Accounts.Find(2));
        Assert.Equal(before, e.Hash());

        // Lifetime totals are 128-bit: a venue's deposits across accounts may pass 92 bn.
        Assert.Equal(RejectReason.None, e.Deposit(2, "1000000000"));
        Assert.Equal((Int128)Usd("92000000000") + Usd("1000000000"), e.State.Books.Deposits[Usdt]);
    }

    [Fact]
    public void A_mark_far_beyond_64_bit_figures_still_liquidates_and_leaves_the_index_whole()
    {
        // Two shorts of 1,000,000 TOY at 10: at a mis-scaled mark of 100,000 their uPnL (−10^11) does not fit a
        // 64-bit raw money figure. The exact 128-bit check still finds them in breach and orders both.
        var e = new Engine();
        e.Deposit(1, "2000000");
        e.Deposit(2, "2000000");
        Assert.Equal(RejectReason.None, e.Fill(1, Toy, -1, "1000000", "10", leverage: 10));
        Assert.Equal(RejectReason.None, e.Fill(2, Toy, -1, "1000000", "10", leverage: 10));
        Assert.Equal(RejectReason.None, e.Tick(Toy, "100000"));
        Assert.Equal(2, e.Log.OfKind(EventKind.LiquidationOrder).Count());
        Assert.Equal(0, e.State.Index.CountOf(3)); // both left the short tree as Liquidating, none lost in between
        Exception? ex = Record.Exception(() => e.AddMargin(1, Toy, "1"));
        Assert.Null(ex);
    }

    // entry-basis instruments pick the partial-liquidation bracket by MARK notional, while their MM uses the ENTRY
    // notional. A position above the first entry bracket whose mark notional fell below the first cap is closed
    // entirely although reducing it into the first bracket clears the breach.
    [Fact]
    public void Entry_basis_partial_liquidation_uses_the_entry_bracket()
    {
        var e = new Engine();
        e.Deposit(1, "300000");
        Assert.Equal(RejectReason.None, e.Fill(1, BtcEntry, +1, "110", "20000", leverage: 10)); // 2.2M entry: bracket 2
        // MM(entry) = 2.2M*2.5% - 40,000 = 15,000; LP = 20,000 - (220,000 - 15,000)/110 = 18,136.36
        e.Tick(BtcEntry, "18100"); // 110*18,100 = 1.991M < 2M by mark
        EngineEvent o = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        // Closing 10.001 at the mark leaves 99.999 (entry notional 1,999,980, MM 9,999.90) with equity ~10,456.95.
        Assert.Equal(OrderKind.Partial, o.OrderKind);
    }
}

/// <summary>a journal stage that faults mid-batch leaves its sequence at the last APPENDED input, not the last
/// FLUSHED one, so the output thread releases events whose inputs the journal never flushed.</summary>
public class ReviewJournalFaultTests
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
