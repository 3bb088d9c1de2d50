namespace LiquidationEngine.Pipeline;

/// <summary>Sizes and strategies of the pipeline. Pre-size capacities so the tick path never grows an array.</summary>
public sealed class EngineOptions
{
    /// <summary>Input ring slots (power of two).</summary>
    public int RingSize { get; set; } = 1 << 16;

    /// <summary>Output ring slots (power of two). Large, so a burst of orders never waits on the sinks.</summary>
    public int OutputRingSize { get; set; } = 1 << 18;

    /// <summary>Position slots allocated up front.</summary>
    public int PositionCapacity { get; set; } = 1 << 16;

    /// <summary>Accounts allocated up front.</summary>
    public int AccountCapacity { get; set; } = 1 << 14;

    /// <summary>Open liquidation orders allocated up front.</summary>
    public int OpenOrderCapacity { get; set; } = 1 << 14;

    /// <summary>Wait strategy of the writer and output threads: busy-spin, yielding, sleeping or blocking.</summary>
    public string WaitStrategy { get; set; } = "yielding";

    /// <summary>Multi-producer input ring (feeds and gateway connections publish concurrently). False for one producer.</summary>
    public bool MultiProducer { get; set; } = true;

    /// <summary>Numbered events kept in <see cref="LiquidationEngine.State.EngineState.OrderWindow"/> (and so in snapshots) for resuming
    /// clients; the daemon sets it to the gateway's order-log capacity. 0 keeps none.</summary>
    public int OrderWindowCapacity { get; set; }
}
