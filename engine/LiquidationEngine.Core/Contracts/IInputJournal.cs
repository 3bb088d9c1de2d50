namespace LiquidationEngine.Contracts;

/// <summary>Persists every input that enters the ring except queries (<see cref="CommandKindExtensions.IsJournaled"/>). Runs on its own thread as a consumer of the input ring,
/// in parallel with the writer; output events are released only once the input that caused them is journaled.</summary>
public interface IInputJournal
{
    /// <summary>Appends one input. <paramref name="sequence"/> is its ring sequence: increasing, with gaps where queries were.</summary>
    void Append(in EngineCommand command, long sequence);

    /// <summary>End of a batch: flush (and fsync, per policy) everything appended so far.</summary>
    void Flush();
}
