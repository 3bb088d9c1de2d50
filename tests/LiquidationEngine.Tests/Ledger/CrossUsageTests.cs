using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Persistence;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Ledger;

/// <summary>
/// Isolated margin living beside a cross position on the same symbol: the cross engine reports what its positions
/// and orders use, isolated transfers check against main − usage, and the engine never changes that usage itself.
/// </summary>
public class CrossUsageTests
{
    private const int Btc = 0;

    private static void Rejected(Engine e, RejectReason expected, Func<RejectReason> command)
    {
        ulong before = e.Hash();
        Assert.Equal(expected, command());
        Assert.Equal(before, e.Hash());
    }

    private static long Usage(Engine e, long account) => e.State.Accounts.CrossUsage(e.State.Accounts.Find(account), Usdt);

    /// <summary>Deposit 10,000; a cross long of 1 BTC at 20,000 at 5x uses 4,000 of it: available 6,000.</summary>
    private static Engine WithCrossLong()
    {
        var e = new Engine();
        e.Deposit(1, "10000");
        Assert.Equal(RejectReason.None, e.CrossUsage(1, "4000"));
        return e;
    }

    [Fact]
    public void A_cross_fill_is_rejected_with_its_own_reason_and_changes_nothing()
    {
        Engine e = WithCrossLong();
        Rejected(e, RejectReason.CrossFill, () => e.CrossFill(1, Btc, +1, "1", "20000", leverage: 5));
        Assert.Equal(RejectReason.CrossFill, e.Log.Events[^1].Reason);
        Assert.Equal(-1, e.Slot(1, Btc));
        Rejected(e, RejectReason.InvalidMarginMode, () => e.Apply(new EngineCommand
        {
            Kind = CommandKind.TradeFill, Account = 1, Instrument = Btc, Side = 1, Quantity = Qty("1"), Price = Px("20000"), Leverage = 10, Amount = 2,
        }));
    }

    [Fact]
    public void An_isolated_short_beside_the_cross_long_opens_only_within_main_minus_cross_usage()
    {
        Engine e = WithCrossLong();
        // 3.001 BTC at 20,000 at 10x needs 6,002 > available 6,000 (main 10,000 alone would have covered it).
        Rejected(e, RejectReason.InsufficientBalance, () => e.Fill(1, Btc, -1, "3.001", "20000", leverage: 10));
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, -1, "3", "20000", leverage: 10)); // IM 6,000
        Assert.Equal(Usd("4000"), e.Main(1));
        Assert.Equal(Usd("6000"), e.Margin(1, Btc));
        Assert.Equal(Usd("4000"), Usage(e, 1));
    }

    [Fact]
    public void Liquidating_the_isolated_short_leaves_main_and_the_cross_usage_untouched()
    {
        Engine e = WithCrossLong();
        e.Fill(1, Btc, -1, "3", "20000", leverage: 10); // M 6,000, BP = 20,000 + 6,000 / 3 = 22,000
        // Notional 60,000 (tier 2: MMR 0.5%, cum 50): LP = (6,000 + 50 + 60,000) / (3 × 1.005) = 21,907.13.
        e.Tick(Btc, "22000");
        EngineEvent order = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(Px("22000"), order.Price);
        Assert.Equal(Qty("3"), order.Quantity); // keeping 2.272 under the 50,000 cap would still be in breach
        Assert.Equal(RejectReason.None, e.LiquidationFill(order.OrderId, "3", "22000"));
        Assert.Equal(-1, e.Slot(1, Btc));
        Assert.Equal(Usd("4000"), e.Main(1));
        Assert.Equal(Usd("4000"), Usage(e, 1));
    }

    [Fact]
    public void A_larger_reported_usage_blocks_the_next_open_withdrawal_and_add_margin()
    {
        Engine e = WithCrossLong();
        e.Fill(1, Btc, -1, "1", "20000", leverage: 10); // IM 2,000: main 8,000, available 4,000
        Assert.Equal(RejectReason.None, e.CrossUsage(1, "8000")); // the cross long grew: available 0
        Rejected(e, RejectReason.InsufficientBalance, () => e.Withdraw(1, "0.00000001"));
        Rejected(e, RejectReason.InsufficientBalance, () => e.Fill(1, Btc, -1, "0.001", "20000", leverage: 10)); // IM 2
        Rejected(e, RejectReason.InsufficientBalance, () => e.AddMargin(1, Btc, "1"));
        Rejected(e, RejectReason.InsufficientBalance, () => e.SetLeverage(1, Btc, 5, transfer: "2000"));
        Assert.Equal(RejectReason.None, e.SetLeverage(1, Btc, 20)); // raising moves nothing: not blocked

        Assert.Equal(RejectReason.None, e.CrossUsage(1, "9000")); // above main: available −1,000, still nothing moves
        Rejected(e, RejectReason.InsufficientBalance, () => e.Withdraw(1, "1"));

        Assert.Equal(RejectReason.None, e.CrossUsage(1, "7500")); // available 500
        Rejected(e, RejectReason.InsufficientBalance, () => e.Withdraw(1, "500.00000001"));
        Assert.Equal(RejectReason.None, e.Withdraw(1, "500"));
        Assert.Equal(Usd("7500"), e.Main(1));
    }

    [Fact]
    public void A_report_is_idempotent_and_the_latest_wins()
    {
        Engine e = WithCrossLong();
        Assert.Equal(RejectReason.None, e.CrossUsage(1, "4000")); // resent: same state
        Assert.Equal(Usd("4000"), Usage(e, 1));
        Assert.Equal(Usd("10000"), e.Main(1));
        e.CrossUsage(1, "5000");
        e.CrossUsage(1, "2500");
        Assert.Equal(Usd("2500"), Usage(e, 1));
        Assert.Equal(RejectReason.InvalidAmount, e.CrossUsage(1, "-1"));
        Assert.Equal(RejectReason.UnknownAsset, e.CrossUsage(1, "1", asset: 9));
        Assert.Equal(Usd("2500"), Usage(e, 1));
        // An account first seen through a report exists, with nothing available to move.
        Assert.Equal(RejectReason.None, e.CrossUsage(2, "100"));
        Assert.Equal(RejectReason.InsufficientBalance, e.Withdraw(2, "1"));
    }

    [Fact]
    public void The_account_query_shows_balance_cross_usage_and_available()
    {
        Engine e = WithCrossLong();
        e.Fill(1, Btc, -1, "1", "20000", leverage: 10);
        int before = e.Log.Events.Count;
        e.Apply(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 1 });
        EngineEvent usdt = e.Log.Events.Skip(before).First(x => x.Kind == EventKind.AccountBalance && x.Asset == Usdt);
        Assert.Equal(Usd("8000"), usdt.Balance);
        Assert.Equal(Usd("4000"), usdt.CrossUsage);
        Assert.Equal(Usd("4000"), usdt.Available);
    }

    [Fact]
    public void The_report_and_the_cross_mark_survive_the_wire_and_the_journal()
    {
        EngineCommand report = new() { Kind = CommandKind.CrossUsage, ClientSequence = 3, Account = 1, Asset = Usdt, Amount = Usd("4000") };
        EngineCommand cross = new() { Kind = CommandKind.TradeFill, Account = 1, Instrument = Btc, Side = 1, Quantity = Qty("1"), Price = Px("20000"), Leverage = 5, MarginMode = MarginMode.Cross };
        var e = new Engine();
        e.Deposit(1, "10000");
        foreach (EngineCommand c in new[] { report, cross })
        {
            byte[] frame = CommandCodec.ToFrame(c);
            Assert.Equal(ProtocolError.None, CommandCodec.TryRead((MessageType)c.Kind, frame.AsSpan(FrameCodec.HeaderSize, frame.Length - FrameCodec.Overhead), out EngineCommand wire));
            var record = new byte[JournalRecord.Size];
            JournalRecord.Write(record, wire, 7);
            Assert.True(JournalRecord.TryRead(record, out EngineCommand journaled, out _));
            e.Apply(journaled);
        }

        Assert.Equal(Usd("4000"), Usage(e, 1));
        Assert.Equal(RejectReason.CrossFill, e.Log.Events[^1].Reason);
        Assert.Equal(-1, e.Slot(1, Btc));
    }
}
