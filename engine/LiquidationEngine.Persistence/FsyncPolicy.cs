namespace LiquidationEngine.Persistence;

/// <summary>When the journal asks the OS to put appended records on stable storage.</summary>
/// <remarks>Every policy writes each batch to the OS before the batch's outputs are released, so a killed process loses
/// nothing that was released; the policy only decides what a power loss can take.</remarks>
public enum FsyncPolicy
{
    /// <summary>Never fsync (the OS writes back on its own schedule). Survives a process crash, not a power cut.</summary>
    None,

    /// <summary>fsync at the end of every batch, before its outputs are released. Safest; slowest.</summary>
    EveryBatch,

    /// <summary>fsync at the end of a batch when at least the configured interval has passed since the last one.</summary>
    Interval,
}
