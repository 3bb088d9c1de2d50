using LiquidationEngine.Contracts;

namespace LiquidationEngine.State;

/// <summary>A liquidation order that the matching engine has not finished reporting on.</summary>
/// <param name="Slot">Position slot being liquidated (frozen while the order is open).</param>
/// <param name="PositionId">Position id, to detect a stale slot.</param>
/// <param name="Remaining">Quantity still open, raw.</param>
/// <param name="BankruptcyPrice">The order's limit, raw price.</param>
/// <param name="Kind">Full or partial.</param>
/// <param name="TriggerMark">The mark that triggered it.</param>
public readonly record struct OpenOrder(int Slot, long PositionId, long Remaining, long BankruptcyPrice, OrderKind Kind, long TriggerMark);
