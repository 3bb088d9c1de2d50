namespace LiquidationEngine.Contracts;

/// <summary>Receives the writer's output events, in order, on the writer thread.</summary>
/// <remarks>Implementations must be quick and must not block: the pipeline's implementation copies the event into
/// the output ring; tests collect them.</remarks>
public interface IEngineEventSink
{
    /// <summary>Takes one event. The reference is only valid during the call.</summary>
    void Emit(in EngineEvent e);
}
