using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Tests.Support;
using static LiquidationEngine.Tests.Support.Rejections;

namespace LiquidationEngine.Tests.Ledger;

/// <summary>Success and rejection paths of every ledger operation. A rejection must leave the state hash unchanged.</summary>
public class LedgerOperationTests
{
    private const int Btc = 0;
    private const int Eth = 3;

    [Fact]
    public void Deposit_and_withdraw_move_only_the_main_balance()
    {
        var e = new Engine();
        Assert.Equal(RejectReason.None, e.Deposit(1, "1000"));
        Assert.Equal(RejectReason.None, e.Withdraw(1, "400"));
        Assert.Equal(Usd("600"), e.Main(1));
        Assert.Equal(0, e.Main(1, Usdc));
    }

    [Fact]
    public void Withdrawal_beyond_main_is_rejected_and_never_reaches_isolated_margin()
    {
        Engine e = Engine.WithLong("3000"); // margin 2,000 isolated, main 1,000
        Assert.Equal(Usd("1000"), e.Main(1));
        Rejected(e, RejectReason.InsufficientBalance, () => e.Withdraw(1, "1000.00000001"));
        Rejected(e, RejectReason.InvalidAmount, () => e.Withdraw(1, "0"));
        Rejected(e, RejectReason.UnknownAccount, () => e.Withdraw(99, "1"));
        Rejected(e, RejectReason.UnknownAsset, () => e.Withdraw(1, "1", asset: 7));
    }

    [Fact]
    public void Open_transfers_notional_over_leverage_plus_fee_into_the_block()
    {
        var e = new Engine();
        e.Deposit(1, "5000");
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "1", "20000", leverage: 10, fee: "8"));
        Balances.Expect(e, 1, Btc, block: "2000", main: "2992");
        Assert.Equal(Usd("8"), e.State.Books.FeePool[Usdt]);
    }

    [Fact]
    public void Open_is_rejected_when_main_cannot_cover_margin_and_fee()
    {
        var e = new Engine();
        e.Deposit(1, "2007.99999999");
        Rejected(e, RejectReason.InsufficientBalance, () => e.Fill(1, Btc, +1, "1", "20000", leverage: 10, fee: "8"));
    }

    [Fact]
    public void Open_is_rejected_when_leverage_exceeds_the_bracket_max_at_the_resulting_notional()
    {
        var e = new Engine();
        e.Deposit(1, "100000");
        // 3 BTC × 20,000 = 60,000 is in the 50k–250k bracket: max 100x.
        Rejected(e, RejectReason.InvalidLeverage, () => e.Fill(1, Btc, +1, "3", "20000", leverage: 125));
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "3", "20000", leverage: 100));
    }

    [Fact]
    public void Malformed_fills_are_rejected_with_their_reason()
    {
        var e = new Engine();
        e.Deposit(1, "100000");
        Rejected(e, RejectReason.UnknownInstrument, () => e.Fill(1, 42, +1, "1", "20000"));
        Rejected(e, RejectReason.InvalidQuantity, () => e.Fill(1, Btc, +1, "0.0001", "20000"));
        Rejected(e, RejectReason.InvalidPrice, () => e.Fill(1, Btc, +1, "1", "20000.001"));
        Rejected(e, RejectReason.InvalidPrice, () => e.Fill(1, Btc, +1, "1", "-1"));
        Rejected(e, RejectReason.InvalidSide, () => e.Fill(1, Btc, 0, "1", "20000"));
        Rejected(e, RejectReason.NotionalAboveLimit, () => e.Fill(1, Btc, +1, "1000.001", "20000")); // 20,000,020 > the last cap 20,000,000 (20,000,000 itself is inside)
        Rejected(e, RejectReason.UnknownAccount, () => e.Fill(2, Btc, +1, "1", "20000"));
    }

    [Fact]
    public void One_isolated_position_per_account_and_instrument_and_a_same_side_fill_increases_it()
    {
        Engine e = Engine.WithLong();
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "1", "22000"));
        EngineEvent d = e.Describe(1, Btc);
        Assert.Equal(Qty("2"), d.Quantity);
        Assert.Equal(Px("21000"), d.EntryPrice); // (20,000 + 22,000) / 2
        Assert.Equal(Usd("4200"), d.Margin); // 2,000 + 22,000/10
        Assert.Equal(1, e.State.Positions.Count);
    }

    [Fact]
    public void An_increase_is_rejected_when_main_cannot_cover_its_margin_or_the_leverage_no_longer_fits()
    {
        Engine e = Engine.WithLong("2100", leverage: 100); // margin 200, main 1,900
        // 9.5 BTC more at 100x needs exactly the 1,900 left; one unit of fee more is too much.
        Rejected(e, RejectReason.InsufficientBalance, () => e.Fill(1, Btc, +1, "9.5", "20000", fee: "0.00000001"));
        e.Deposit(1, "100000");
        // 3 BTC would be 60,000 notional: the 50k–250k bracket allows 100x, so the same 100x is fine …
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "2", "20000"));
        // … but 13 BTC (260,000) falls in the 50x bracket.
        Rejected(e, RejectReason.InvalidLeverage, () => e.Fill(1, Btc, +1, "10", "20000"));
    }

    [Fact]
    public void The_position_query_reports_margin_ratio_as_maintenance_over_equity()
    {
        Engine e = Engine.WithLong();
        e.Tick(Btc, "19000");
        EngineEvent d = e.Describe(1, Btc);
        // equity = 2,000 − 1,000 = 1,000; MM = 19,000 × 0.4% = 76; ratio = 0.076.
        Assert.Equal(Usd("1000"), d.Equity);
        Assert.Equal(Usd("76"), d.MaintenanceMargin);
        Assert.Equal(R("0.076").Raw, d.MarginRatio);
    }

    [Fact]
    public void Weighted_entry_rounds_against_the_trader()
    {
        Engine e = Engine.WithLong();
        // (1 × 20,000 + 0.002 × 20,000.01) / 1.002 = 20,000.0000199600798… → a long's entry rounds up.
        e.Fill(1, Btc, +1, "0.002", "20000.01");
        Assert.Equal(Px("20000.00001997"), e.Describe(1, Btc).EntryPrice);
    }

    [Fact]
    public void A_partial_close_keeps_realised_pnl_and_margin_in_the_block()
    {
        Engine e = Engine.WithLong();
        long main = e.Main(1);
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, -1, "0.4", "21000", fee: "2"));
        Assert.Equal(Usd("2398"), e.Margin(1, Btc)); // 2,000 + 0.4 × 1,000 − 2
        Assert.Equal(main, e.Main(1));
    }

    [Fact]
    public void A_full_close_returns_margin_plus_realised_pnl_to_main()
    {
        Engine e = Engine.WithLong();
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, -1, "1", "19000", fee: "1"));
        Assert.Equal(Usd("8000") + Usd("999"), e.Main(1)); // 2,000 − 1,000 − 1 back to main
        Assert.Equal(-1, e.Slot(1, Btc));
    }

    [Fact]
    public void An_opposite_fill_larger_than_the_position_is_rejected()
    {
        Engine e = Engine.WithLong();
        Rejected(e, RejectReason.FillExceedsPosition, () => e.Fill(1, Btc, -1, "1.001", "20000"));
    }

    [Fact]
    public void Add_margin_moves_main_into_the_block_and_lowers_a_longs_liquidation_price()
    {
        Engine e = Engine.WithLong();
        long lp = e.Describe(1, Btc).LiquidationPrice;
        Assert.Equal(RejectReason.None, e.AddMargin(1, Btc, "500"));
        Balances.Expect(e, 1, Btc, block: "2500", main: "7500");
        Assert.True(e.Describe(1, Btc).LiquidationPrice < lp);
        Rejected(e, RejectReason.InsufficientBalance, () => e.AddMargin(1, Btc, "7500.00000001"));
        Rejected(e, RejectReason.UnknownPosition, () => e.AddMargin(1, Eth, "1"));
        Rejected(e, RejectReason.InvalidAmount, () => e.AddMargin(1, Btc, "-1"));
    }

    [Fact]
    public void Removing_margin_is_rejected_while_the_position_is_at_a_loss()
    {
        Engine e = Engine.WithLong();
        e.Tick(Btc, "19999");
        Rejected(e, RejectReason.RemoveMarginWithoutProfit, () => e.RemoveMargin(1, Btc, "1"));
        e.Tick(Btc, "20000");
        Rejected(e, RejectReason.RemoveMarginWithoutProfit, () => e.RemoveMargin(1, Btc, "1"));
    }

    [Fact]
    public void Removing_margin_is_limited_to_the_binance_maximum()
    {
        // Mark 21,000: uPnL 1,000, MM = 21,000 × 0.4% = 84, IM at mark = 2,100.
        // max = min(2,000 − 84, 2,000 + 1,000 − 2,100) = min(1,916, 900) = 900.
        Engine e = Engine.WithLong();
        e.Tick(Btc, "21000");
        Assert.Equal(Usd("900"), e.Describe(1, Btc).MaxRemovable);
        Rejected(e, RejectReason.RemoveMarginAboveMax, () => e.RemoveMargin(1, Btc, "900.00000001"));
        Assert.Equal(RejectReason.None, e.RemoveMargin(1, Btc, "900"));
        Balances.Expect(e, 1, Btc, block: "1100", main: "8900");
    }

    [Fact]
    public void Removing_margin_needs_a_mark_price()
    {
        Engine e = Engine.WithLong();
        Rejected(e, RejectReason.NoMarkPrice, () => e.RemoveMargin(1, Btc, "1"));
    }

    [Fact]
    public void Raising_leverage_keeps_margin_and_liquidation_price()
    {
        Engine e = Engine.WithLong();
        EngineEvent before = e.Describe(1, Btc);
        Assert.Equal(RejectReason.None, e.SetLeverage(1, Btc, 20));
        EngineEvent after = e.Describe(1, Btc);
        Assert.Equal(20, after.Leverage);
        Assert.Equal(before.Margin, after.Margin);
        Assert.Equal(before.LiquidationPrice, after.LiquidationPrice);
    }

    [Fact]
    public void Setting_the_current_leverage_is_rejected_as_unchanged_even_with_a_transfer()
    {
        Engine e = Engine.WithLong(); // opened at 10x
        Rejected(e, RejectReason.LeverageUnchanged, () => e.SetLeverage(1, Btc, 10));
        Rejected(e, RejectReason.LeverageUnchanged, () => e.SetLeverage(1, Btc, 10, transfer: "500"));
        Assert.Equal(Usd("2000"), e.Margin(1, Btc)); // 1 × 20,000 / 10, untouched
        Assert.Equal(Usd("8000"), e.Main(1));
    }

    [Fact]
    public void Lowering_leverage_needs_the_block_to_cover_the_new_initial_margin()
    {
        Engine e = Engine.WithLong(); // 10x: margin 2,000
        Rejected(e, RejectReason.InsufficientMargin, () => e.SetLeverage(1, Btc, 5)); // needs 4,000
        Rejected(e, RejectReason.InsufficientMargin, () => e.SetLeverage(1, Btc, 5, transfer: "1999.99999999"));
        Assert.Equal(RejectReason.None, e.SetLeverage(1, Btc, 5, transfer: "2000"));
        Balances.Expect(e, 1, Btc, block: "4000", main: "6000");
        Rejected(e, RejectReason.InvalidLeverage, () => e.SetLeverage(1, Btc, 126));
        Rejected(e, RejectReason.InvalidLeverage, () => e.SetLeverage(1, Btc, 0));
    }

    /// <summary>Account 1 long <paramref name="longQty"/> and account 2 short <paramref name="shortQty"/> BTC, both at
    /// 20,000 at 10x, each from a 10,000 deposit.</summary>
    private static Engine LongAndShort(string longQty, string shortQty)
    {
        var e = new Engine();
        e.Deposit(1, "10000");
        e.Deposit(2, "10000");
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, longQty, "20000"));
        Assert.Equal(RejectReason.None, e.Fill(2, Btc, -1, shortQty, "20000"));
        return e;
    }

    [Fact]
    public void Funding_debits_longs_and_credits_shorts_in_the_block_only()
    {
        Engine e = LongAndShort("1", "2");
        long main1 = e.Main(1), main2 = e.Main(2);
        Assert.Equal(RejectReason.None, e.Funding(Btc, "0.0001", "20000")); // 2 per BTC
        Assert.Equal(Usd("1998"), e.Margin(1, Btc));
        Assert.Equal(Usd("4004"), e.Margin(2, Btc));
        Assert.Equal(main1, e.Main(1));
        Assert.Equal(main2, e.Main(2));
        Assert.Equal(RejectReason.None, e.Funding(Btc, "-0.00005", "20000")); // −1 per BTC
        Assert.Equal(Usd("1999"), e.Margin(1, Btc));
        Assert.Equal(Usd("4002"), e.Margin(2, Btc));
    }

    [Fact]
    public void Funding_moves_the_liquidation_price_without_any_trader_action()
    {
        Engine e = Engine.WithLong();
        long before = e.Describe(1, Btc).LiquidationPrice;
        e.Funding(Btc, "0.001", "20000"); // the long pays 20
        Assert.True(e.Describe(1, Btc).LiquidationPrice > before);
    }

    [Fact]
    public void Funding_rounding_charges_payers_up_and_pays_receivers_down()
    {
        Engine e = LongAndShort("0.001", "0.001");
        // 0.001 × 20,000.01 × 0.00000003 = 0.0000006000003: the long pays 0.00000061, the short gets 0.0000006.
        e.Funding(Btc, "0.00000003", "20000.01");
        Assert.Equal(Usd("2") - Usd("0.00000061"), e.Margin(1, Btc));
        Assert.Equal(Usd("2") + Usd("0.0000006"), e.Margin(2, Btc));
    }

    [Fact]
    public void Bad_funding_is_rejected()
    {
        var e = new Engine();
        Rejected(e, RejectReason.InvalidRate, () => e.Funding(Btc, "1", "20000"));
        Rejected(e, RejectReason.InvalidPrice, () => e.Funding(Btc, "0.0001", "0"));
        Rejected(e, RejectReason.UnknownInstrument, () => e.Funding(9, "0.0001", "1"));
    }

    [Fact]
    public void Balances_are_kept_per_settlement_asset()
    {
        var e = new Engine();
        e.Deposit(1, "1000", Usdt);
        Rejected(e, RejectReason.InsufficientBalance, () => e.Fill(1, Eth, +1, "1", "2000", 10));
        e.Deposit(1, "300", Usdc);
        Assert.Equal(RejectReason.None, e.Fill(1, Eth, +1, "1", "2000", 10));
        Assert.Equal(Usd("100"), e.Main(1, Usdc));
        Assert.Equal(Usd("1000"), e.Main(1, Usdt));
    }

    [Fact]
    public void User_commands_on_a_liquidating_position_are_rejected()
    {
        Engine e = Engine.WithLong();
        e.Tick(Btc, "17000");
        Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        Rejected(e, RejectReason.PositionLiquidating, () => e.AddMargin(1, Btc, "100"));
        Rejected(e, RejectReason.PositionLiquidating, () => e.Fill(1, Btc, -1, "1", "17000"));
        Rejected(e, RejectReason.PositionLiquidating, () => e.SetLeverage(1, Btc, 20));
    }

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
}
