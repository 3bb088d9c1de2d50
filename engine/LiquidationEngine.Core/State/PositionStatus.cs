namespace LiquidationEngine.State;

/// <summary>Lifecycle of a position slot.</summary>
public enum PositionStatus : byte
{
    /// <summary>The slot is on the free list.</summary>
    Free = 0,

    /// <summary>Open and in the liquidation index.</summary>
    Open = 1,

    /// <summary>A liquidation order is out: frozen for user commands, not in the index.</summary>
    Liquidating = 2,
}
