namespace LiquidationEngine.Contracts;

/// <summary>The kind of a liquidation-side order. Wire values: never renumber.</summary>
public enum OrderKind : byte
{
    /// <summary>Not an order.</summary>
    None = 0,
    /// <summary>Closes the whole position.</summary>
    Full = 1,
    /// <summary>Reduces the position to a lower bracket whose requirement it then meets.</summary>
    Partial = 2,
    /// <summary>Auto-deleverage of an opposite-side position at the bankrupt position's bankruptcy price.</summary>
    Adl = 3,
}
