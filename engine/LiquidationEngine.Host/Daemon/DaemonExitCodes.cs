namespace LiquidationEngine.Host.Daemon;

/// <summary>Exit codes of <c>liqengine run</c> (the README's exit-code table lists every command's).</summary>
/// <remarks>An orchestrator restarts on <see cref="StageFaulted"/> and <see cref="StopIncomplete"/> (recovery from the
/// journal is exact); <see cref="BadConfiguration"/> and <see cref="StartFailed"/> need an operator.</remarks>
public static class DaemonExitCodes
{
    /// <summary>Stopped on SIGTERM or Ctrl-C after draining, flushing and writing the final snapshot; or <c>--help</c>.</summary>
    public const int Clean = 0;

    /// <summary>Start-up failed for a reason outside the configuration: the data directory is unusable or held by
    /// another daemon (its PID named), the journal is damaged (file and offset named; <c>Journal:Repair</c>), an I/O
    /// error.</summary>
    public const int StartFailed = 1;

    /// <summary>Bad configuration: a bad or unknown key, a malformed settings file, sizes that do not fit the machine,
    /// a port already in use, an instrument catalog whose ids mean something else than in the data. Every bad key is listed on stderr; nothing was opened or written.</summary>
    public const int BadConfiguration = 2;

    /// <summary>A pipeline stage (writer, journal or output) faulted: logged at Critical, intake stopped, and the
    /// process exited within <c>Daemon:ShutdownTimeoutSeconds</c>. Restart it: recovery replays the journal.</summary>
    public const int StageFaulted = 3;

    /// <summary>Stopped on SIGTERM, but the drain or the final snapshot did not finish within the shutdown timeout.
    /// Nothing acked is lost (it is journaled); the restart replays a longer journal tail.</summary>
    public const int StopIncomplete = 4;
}
