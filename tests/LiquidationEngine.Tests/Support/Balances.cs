using Xunit;

namespace LiquidationEngine.Tests.Support;

/// <summary>Checks where a ledger operation left an account's money: in the position's block or in main.</summary>
internal static class Balances
{
    /// <summary>Asserts account <paramref name="account"/>'s block on <paramref name="instrument"/> (effective margin)
    /// and its main balance in the settlement asset <paramref name="asset"/>, both as decimal text.</summary>
    public static void Expect(Engine e, long account, int instrument, string block, string main, int asset = TestInstruments.Usdt)
    {
        Assert.Equal(TestInstruments.Usd(block), e.Margin(account, instrument));
        Assert.Equal(TestInstruments.Usd(main), e.Main(account, asset));
    }
}
