using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Ledger;

/// <summary>USDC has 6 decimals: main balances and every transfer between main and a block stay on that grid.</summary>
public class AssetPrecisionTests
{
    private const int Eth = 3; // ETH-USDC-PERP, settles in USDC

    private static Engine Usdc6() => new(Catalog(usdcDecimals: 6));

    [Fact]
    public void Deposits_and_withdrawals_finer_than_the_asset_are_rejected_with_a_reason()
    {
        Engine e = Usdc6();
        Assert.Equal(RejectReason.None, e.Deposit(1, "100.000001", Usdc));
        Rejections.Rejected(e, RejectReason.FinerThanAssetPrecision, () => e.Deposit(1, "100.0000001", Usdc));
        Rejections.Rejected(e, RejectReason.FinerThanAssetPrecision, () => e.Withdraw(1, "0.0000005", Usdc));
        Rejections.Rejected(e, RejectReason.FinerThanAssetPrecision, () => e.InsuranceDeposit("0.00000001", Usdc));
        Assert.Equal(RejectReason.None, e.Withdraw(1, "0.000001", Usdc));
        Assert.Equal(Usd("100"), e.Main(1, Usdc));
        // USDT keeps 8 decimals.
        Assert.Equal(RejectReason.None, e.Deposit(1, "0.00000001", Usdt));
    }

    [Fact]
    public void An_open_takes_its_requirement_rounded_up_to_the_asset()
    {
        // 0.001 ETH at 2,000 at 3x: IM = 2 / 3 = 0.6666666666… → 0.66666667 at 8 decimals → 0.666667 USDC.
        Engine e = Usdc6();
        e.Deposit(1, "10", Usdc);
        Assert.Equal(RejectReason.None, e.Fill(1, Eth, +1, "0.001", "2000", leverage: 3));
        Assert.Equal(Usd("9.333333"), e.Main(1, Usdc));
        Assert.Equal(Usd("0.666667"), e.Margin(1, Eth));

        // The same at 8 decimals moves 0.66666667.
        var f = new Engine();
        f.Deposit(1, "10", Usdc);
        f.Fill(1, Eth, +1, "0.001", "2000", leverage: 3);
        Assert.Equal(Usd("9.33333333"), f.Main(1, Usdc));
    }

    [Fact]
    public void A_fee_finer_than_the_asset_is_covered_by_rounding_the_whole_transfer_up()
    {
        // IM 0.66666667 + fee 0.0000015 = 0.66666817 → 0.666669 leaves main; the fee pool gets 0.0000015 and the
        // block 0.666669 − 0.0000015 = 0.6666675 (block arithmetic may stay finer than the asset).
        Engine e = Usdc6();
        e.Deposit(1, "10", Usdc);
        Assert.Equal(RejectReason.None, e.Fill(1, Eth, +1, "0.001", "2000", leverage: 3, fee: "0.0000015"));
        Assert.Equal(Usd("9.333331"), e.Main(1, Usdc));
        Assert.Equal(Usd("0.6666675"), e.Margin(1, Eth));
        Assert.Equal(Usd("0.0000015"), e.State.Books.FeePool[Usdc]);
    }

    [Fact]
    public void A_full_close_pays_main_rounded_down_and_the_dust_goes_to_the_insurance_fund()
    {
        // Block 0.666667; close at 2,000 with fee 0.0000007: rest 0.6666663 → 0.666666 to main, 0.0000003 to the fund.
        Engine e = Usdc6();
        e.Deposit(1, "10", Usdc);
        e.Fill(1, Eth, +1, "0.001", "2000", leverage: 3);
        Assert.Equal(RejectReason.None, e.Fill(1, Eth, -1, "0.001", "2000", fee: "0.0000007"));
        Assert.Equal(Usd("9.999999"), e.Main(1, Usdc));
        Assert.Equal(Usd("0.0000003"), e.Fund(Usdc));
        Assert.Equal(Usd("0.0000007"), e.State.Books.FeePool[Usdc]);
    }

    [Fact]
    public void Margin_transfers_finer_than_the_asset_are_rejected()
    {
        Engine e = Usdc6();
        e.Deposit(1, "100", Usdc);
        e.Fill(1, Eth, +1, "0.01", "2000", leverage: 10); // IM 2
        e.Tick(Eth, "2100"); // uPnL +1
        Rejections.Rejected(e, RejectReason.FinerThanAssetPrecision, () => e.AddMargin(1, Eth, "0.0000001"));
        Rejections.Rejected(e, RejectReason.FinerThanAssetPrecision, () => e.RemoveMargin(1, Eth, "0.0000001"));
        Rejections.Rejected(e, RejectReason.FinerThanAssetPrecision, () => e.SetLeverage(1, Eth, 5, transfer: "2.0000001"));
        Assert.Equal(RejectReason.None, e.AddMargin(1, Eth, "0.000001"));
        Assert.Equal(RejectReason.None, e.SetLeverage(1, Eth, 5, transfer: "2"));
        Assert.Equal(Usd("4.000001"), e.Margin(1, Eth));
    }
}
