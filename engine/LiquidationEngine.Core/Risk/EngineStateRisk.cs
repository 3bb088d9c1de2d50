using System.Runtime.CompilerServices;
using LiquidationEngine.State;

namespace LiquidationEngine.Risk;

/// <summary>Risk read off the writer's state: a slot's risk inputs, and its trigger key in the index.</summary>
/// <remarks>Here rather than on <see cref="EngineState"/>, because state sits below risk: the stores know nothing of
/// formulas.</remarks>
public static class EngineStateRisk
{
    /// <summary>Risk inputs of a slot with pending funding charged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RiskInputs Inputs(this EngineState s, int slot)
    {
        PositionStore p = s.Positions;
        long size = p.Size[slot];
        return new RiskInputs(size < 0 ? -1 : 1, Math.Abs(size), p.Entry[slot], s.EffectiveMargin(slot), p.Leverage[slot]);
    }

    /// <summary>Puts an open slot (funding settled) into the index with a fresh key.</summary>
    public static void IndexInsert(this EngineState s, int slot)
    {
        int instrument = s.Positions.Instrument[slot];
        RiskInputs inputs = s.Inputs(slot);
        s.Index.Insert(slot, LiquidationIndex.TreeOf(instrument, s.Positions.Size[slot]), PositionRisk.TriggerKey(inputs, s.Catalog[instrument]));
    }
}
