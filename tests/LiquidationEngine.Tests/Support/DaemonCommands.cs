using LiquidationEngine.Contracts;
using static LiquidationEngine.Tests.Support.TestInstruments;

namespace LiquidationEngine.Tests.Support;

/// <summary>Commands the daemon tests send, on the shipped catalog (config/instruments.json: asset 0 is USDT,
/// instrument 0 is BTC-USDT-PERP).</summary>
internal static class DaemonCommands
{
    /// <summary>BTC-USDT-PERP in the shipped catalog.</summary>
    public const int Btc = 0;

    /// <summary>A USDT deposit of <paramref name="amount"/> (a decimal string).</summary>
    public static EngineCommand Deposit(long account, string amount) => new() { Kind = CommandKind.Deposit, Account = account, Asset = Usdt, Amount = Usd(amount) };

    /// <summary>An isolated BTC long fill.</summary>
    public static EngineCommand OpenLong(long account, string qty, string price, int leverage)
        => new() { Kind = CommandKind.TradeFill, Account = account, Instrument = Btc, Side = 1, Quantity = Qty(qty), Price = Px(price), Leverage = leverage };
}
