namespace LiquidationEngine.Contracts;

/// <summary>Which margin engine a trade fill belongs to. Values are part of the journal and wire format.</summary>
public enum MarginMode : byte
{
    /// <summary>An isolated position: this engine's.</summary>
    Isolated = 0,

    /// <summary>A cross position: the cross engine's; this engine rejects it.</summary>
    Cross = 1,
}
