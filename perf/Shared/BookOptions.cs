namespace LiquidationEngine.Perf;

/// <summary>Capacities and balances of a synthetic book.</summary>
public sealed class BookOptions
{
    /// <summary>Position slots to allocate (at least the book's size).</summary>
    public int PositionCapacity { get; set; }

    /// <summary>Accounts to allocate (at least the book's).</summary>
    public int AccountCapacity { get; set; }

    /// <summary>Open liquidation orders to allocate: pre-size above the largest cascade so no tick grows the table.</summary>
    public int OpenOrderCapacity { get; set; } = 1 << 14;

    /// <summary>Raw money deposited to each account and asset beyond the initial margin its positions take.</summary>
    public long ExtraBalance { get; set; }
}
