using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Ledger;

/// <summary>
/// The rules each venue profile changes, against the venues' published rules worked by hand (FAQ table: tier 1 is
/// MMR 0.4%, cum 0, up to 50,000). Sources are in docs/MARGIN.md, "Venue rule profiles".
/// </summary>
public class VenueProfileTests
{
    private const int Btc = 0;

    private static Engine With(VenueRules rules) => new(BtcCatalog(BracketBoundary.CapInclusive, rules));

    /// <summary>1 BTC long at 20,000 at 10x (IM 2,000) plus 1,000 added: M 3,000; main 7,000 of 10,000.</summary>
    private static Engine LongWithExtraMargin(VenueRules rules)
    {
        Engine e = With(rules);
        e.Deposit(1, "10000");
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, +1, "1", "20000", leverage: 10));
        Assert.Equal(RejectReason.None, e.AddMargin(1, Btc, "1000"));
        return e;
    }

    [Fact]
    public void Binance_lets_margin_be_removed_at_a_loss_down_to_its_max_removable()
    {
        // Binance FAQ "How to Adjust Margin Balance": max removable = max(0, min(M − MM, M + size·(MP − EP) − MP·|size|·IMR)).
        // At mark 19,900: MM = 19,900 × 0.4% = 79.6; min(3,000 − 79.6, 3,000 − 100 − 1,990) = 910.
        Engine e = LongWithExtraMargin(VenueRules.Binance);
        e.Tick(Btc, "19900");
        Assert.Equal(Usd("910"), e.Describe(1, Btc).MaxRemovable);
        Assert.Equal(RejectReason.RemoveMarginAboveMax, e.RemoveMargin(1, Btc, "910.00000001"));
        Assert.Equal(RejectReason.None, e.RemoveMargin(1, Btc, "910"));
        Balances.Expect(e, 1, Btc, block: "2090", main: "7910");
    }

    [Fact]
    public void Crypto_com_removes_margin_only_in_profit()
    {
        Engine e = LongWithExtraMargin(VenueRules.CryptoCom);
        e.Tick(Btc, "19900");
        Assert.Equal(0, e.Describe(1, Btc).MaxRemovable);
        Assert.Equal(RejectReason.RemoveMarginWithoutProfit, e.RemoveMargin(1, Btc, "1"));
    }

    [Fact]
    public void Bybit_resets_the_block_to_the_new_leverage_when_leverage_rises_and_returns_the_added_margin()
    {
        // Bybit "How to increase/decrease position margin", situation 1: after a leverage change the position margin is
        // reset to the new leverage's requirement and the margin added before returns to zero.
        // 20x: IM = 20,000 / 20 = 1,000, so 3,000 − 1,000 = 2,000 goes back to main.
        Engine e = LongWithExtraMargin(VenueRules.Bybit);
        Assert.Equal(RejectReason.None, e.SetLeverage(1, Btc, 20));
        Balances.Expect(e, 1, Btc, block: "1000", main: "9000");
        // Lowering to 5x needs 4,000: the 3,000 shortfall comes from main, computed by the engine.
        Assert.Equal(RejectReason.InvalidAmount, e.SetLeverage(1, Btc, 5, transfer: "3000"));
        Assert.Equal(RejectReason.None, e.SetLeverage(1, Btc, 5));
        Balances.Expect(e, 1, Btc, block: "4000", main: "6000");
    }

    [Fact]
    public void Crypto_com_keeps_margin_and_liquidation_price_when_leverage_rises()
    {
        Engine e = LongWithExtraMargin(VenueRules.CryptoCom);
        long lp = e.Describe(1, Btc).LiquidationPrice;
        Assert.Equal(RejectReason.None, e.SetLeverage(1, Btc, 20));
        Assert.Equal(Usd("3000"), e.Margin(1, Btc));
        Assert.Equal(lp, e.Describe(1, Btc).LiquidationPrice);
    }

    [Fact]
    public void Bybit_releases_margin_pro_rata_on_a_partial_close_and_the_liquidation_price_stays()
    {
        // Bybit situation 3: on a partial close the added margin shrinks in proportion and the LP is unchanged.
        // Close 0.5 of 1 at 20,000: 3,000 × 0.5 = 1,500 back to main, block 1,500 on 0.5 BTC.
        // LP (tier 1, cum 0) = (M − q·EP) / (q·(MMR − 1)): (3,000 − 20,000) / (0.004 − 1) = 17,068.27309237 before,
        // (1,500 − 10,000) / (0.5 × (0.004 − 1)) the same after.
        Engine e = LongWithExtraMargin(VenueRules.Bybit);
        Assert.Equal(Px("17068.27309237"), e.Describe(1, Btc).LiquidationPrice);
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, -1, "0.5", "20000"));
        Balances.Expect(e, 1, Btc, block: "1500", main: "8500");
        Assert.Equal(Px("17068.27309237"), e.Describe(1, Btc).LiquidationPrice);

        // In profit, with a fee: close 0.25 at 22,000, fee 5. PnL 500; release 1,500 × 0.25 / 0.5 + 500 − 5 = 1,245.
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, -1, "0.25", "22000", fee: "5"));
        Balances.Expect(e, 1, Btc, block: "750", main: "9745");
    }

    [Fact]
    public void Crypto_com_keeps_the_margin_in_the_block_on_a_partial_close()
    {
        Engine e = LongWithExtraMargin(VenueRules.CryptoCom);
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, -1, "0.5", "20000"));
        Balances.Expect(e, 1, Btc, block: "3000", main: "7000");
    }

    [Fact]
    public void A_bybit_partial_close_at_a_loss_larger_than_the_share_moves_nothing_from_main()
    {
        // Close 0.5 at 16,000 with M 3,000: share 1,500, PnL −2,000: 1,500 − 2,000 < 0, so nothing moves and the
        // block absorbs the loss: 3,000 − 2,000 = 1,000.
        Engine e = LongWithExtraMargin(VenueRules.Bybit);
        Assert.Equal(RejectReason.None, e.Fill(1, Btc, -1, "0.5", "16000"));
        Balances.Expect(e, 1, Btc, block: "1000", main: "7000");
    }
    [Theory]
    [InlineData("crypto-com", "0", "100")]
    [InlineData("dydx", "45.7", "54.3")]
    public void The_surplus_of_a_liquidated_block_goes_to_the_fund_or_with_dydx_to_the_trader(string profile, string toMain, string toFund)
    {
        // 1 BTC long at 20,000 at 10x: M 2,000, BP 18,000. Filled at 18,100: PnL −1,900 leaves 100; the fee
        // 1 × 18,100 × 0.3% = 54.3 goes to the fund. The remaining 45.7 goes to the fund (Crypto.com: "any remaining
        // balance goes to the insurance fund") or stays with the trader (dYdX: the engine "will attempt to leave
        // funds in accounts of positive value ... after they have paid the Maximum Liquidation Penalty").
        Assert.True(VenueRules.TryFind(profile, out VenueRules rules));
        Engine e = With(rules);
        e.Deposit(1, "10000");
        e.Fill(1, Btc, +1, "1", "20000", leverage: 10);
        e.Tick(Btc, "18072");
        EngineEvent order = Assert.Single(e.Log.OfKind(EventKind.LiquidationOrder));
        Assert.Equal(RejectReason.None, e.LiquidationFill(order.OrderId, "1", "18100"));
        Assert.Equal(Usd("8000") + Usd(toMain), e.Main(1));
        Assert.Equal(Usd(toFund), e.Fund());
        Assert.Equal(Usd(toFund), e.Log.OfKind(EventKind.LiquidationSettled).Single().FundDelta);
    }
}
