#!/usr/bin/env python3
"""Reference client of the liquidation daemon's gateway, written from docs/PROTOCOL.md (standard library only).

Connects, says Hello, funds an account, opens a 10x long of 1 BTC at 20,000 on instrument 0, walks the mark
down, and prints every message it receives, in particular the liquidation orders.

    python3 client.py --host 127.0.0.1 --port 7400 [--secret S] [--account 7] [--resume -1]
"""
import argparse
import socket
import struct
import sys
import time

MAGIC = 0x514C
VERSION = 1
SCALE = 10**8  # prices, quantities, money
RATE_SCALE = 10**10

# --- CRC32C (Castagnoli), reflected polynomial 0x82F63B78 -------------------------------------------------------
_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283

# --- message types and layouts (after the 16-byte command prefix / 32-byte event prefix) -----------------------
COMMANDS = {  # name: (type, struct format of the fields after clientSequence and timestampUs)
    "MarkTick": (0x01, "iq"),            # instrument, price
    "Deposit": (0x02, "qhq"),            # account, asset, amount
    "Withdraw": (0x03, "qhq"),
    "TradeFill": (0x04, "qibiqqqB"),     # account, instrument, side, leverage, quantity, price, fee, margin mode (0 isolated, 1 cross)
    "AddMargin": (0x05, "qiq"),          # account, instrument, amount
    "RemoveMargin": (0x06, "qiq"),
    "SetLeverage": (0x07, "qiiq"),       # account, instrument, leverage, transfer amount
    "FundingSettlement": (0x08, "iqq"),  # instrument, rate (10^-10), price
    "LiquidationFill": (0x09, "qqq"),    # order id, quantity, price
    "LiquidationNoFill": (0x0A, "q"),    # order id
    "InsuranceDeposit": (0x0B, "hq"),    # asset, amount
    "CrossUsage": (0x0C, "qhq"),         # account, asset, margin the cross engine's positions and orders use
    "QueryPosition": (0x15, "qiq"),      # account, instrument, position id (0 = by account and instrument)
    "QueryAccount": (0x16, "q"),         # account
    "QueryStateHash": (0x17, ""),
}

EVENTS = {  # type: (name, struct format after the prefix, field names)
    0x81: ("Ack", "qi", ["account", "instrument"]),
    0x82: ("Reject", "qiH", ["account", "instrument", "reason"]),
    0x83: ("LiquidationOrder", "qBbiqqqqq", ["orderId", "orderKind", "side", "instrument", "account", "positionId", "quantity", "price", "mark"]),
    0x84: ("AdlOrder", "qBbiqqqqqqq", ["orderId", "orderKind", "side", "instrument", "account", "positionId", "quantity", "price", "mark", "causeOrderId", "counterpartyPnl"]),
    0x85: ("PositionState", "qqihbBiqqqqqqqqqq", ["positionId", "account", "instrument", "asset", "side", "status", "leverage", "quantity", "entryPrice", "mark",
                                                  "margin", "equity", "maintenanceMargin", "liquidationPrice", "bankruptcyPrice", "marginRatio", "maxRemovable"]),
    0x86: ("AccountBalance", "qhqqq", ["account", "asset", "balance", "crossUsage", "available"]),
    0x87: ("StateHash", "Q", ["hash"]),
    0x88: ("LiquidationSettled", "qBiqqqqqqqq", ["orderId", "orderKind", "instrument", "account", "positionId", "quantity", "price", "mark", "realisedPnl", "liquidationFee", "insuranceFundDelta"]),
    0x89: ("FundingApplied", "iqq", ["instrument", "price", "rate"]),
}
WELCOME, ERROR, HELLO = 0xA0, 0xAF, 0x30
ORDER_KINDS = {1: "full", 2: "partial", 3: "adl"}
NO_PRICE = -(2**63)


def frame(msg_type: int, body: bytes) -> bytes:
    head = struct.pack("<HBBI", MAGIC, VERSION, msg_type, len(body)) + body
    return head + struct.pack("<I", crc32c(head))


def command(name: str, client_sequence: int, *fields, timestamp_us: int = 0) -> bytes:
    msg_type, fmt = COMMANDS[name]
    return frame(msg_type, struct.pack("<qq" + fmt, client_sequence, timestamp_us, *fields))


def hello(last_seen: int, secret: str = "") -> bytes:
    s = secret.encode("utf-8")
    return frame(HELLO, struct.pack("<qH", last_seen, len(s)) + s)


class Connection:
    def __init__(self, host: str, port: int):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data: bytes):
        self.sock.sendall(data)

    def receive(self):
        """Returns (type, fields dict) or None at the end of the stream."""
        while True:
            if len(self.buf) >= 8:
                magic, version, msg_type, length = struct.unpack_from("<HBBI", self.buf)
                if magic != MAGIC or version != VERSION:
                    raise ValueError("bad frame header from the gateway")
                total = 8 + length + 4
                if len(self.buf) >= total:
                    raw, self.buf = self.buf[:total], self.buf[total:]
                    (crc,) = struct.unpack_from("<I", raw, 8 + length)
                    if crc != crc32c(raw[:8 + length]):
                        raise ValueError("bad checksum from the gateway")
                    return msg_type, decode(msg_type, raw[8:8 + length])
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk


def decode(msg_type: int, body: bytes) -> dict:
    if msg_type == WELCOME:
        names = ["sourceId", "newestEventSequence", "oldestEventSequence", "replayCount", "gap", "maxBodyBytes"]
        return dict(zip(names, struct.unpack("<iqqiBi", body)))
    if msg_type == ERROR:
        return dict(zip(["reason", "closing", "messageType", "clientSequence"], struct.unpack("<HBBq", body)))
    name, fmt, names = EVENTS[msg_type]
    values = struct.unpack("<qqqq" + fmt, body)
    fields = dict(zip(["eventSequence", "inputSequence", "clientSequence", "timestampUs"] + names, values))
    fields["kind"] = name
    return fields


def dec(raw: int, scale: int = SCALE) -> str:
    sign = "-" if raw < 0 else ""
    whole, frac = divmod(abs(raw), scale)
    text = f"{whole}.{frac:0{len(str(scale)) - 1}d}".rstrip("0").rstrip(".")
    return sign + text


def describe(msg_type: int, m: dict) -> str:
    if msg_type == WELCOME:
        return f"WELCOME source={m['sourceId']} replay={m['replayCount']} log=[{m['oldestEventSequence']}..{m['newestEventSequence']}] gap={m['gap']}"
    if msg_type == ERROR:
        return f"ERROR reason={m['reason']} closing={m['closing']} type=0x{m['messageType']:02x} clientSequence={m['clientSequence']}"
    kind = m["kind"]
    if kind in ("LiquidationOrder", "AdlOrder"):
        side = "buy" if m["side"] > 0 else "sell"
        return (f"ORDER {kind} event={m['eventSequence']} order={m['orderId']} kind={ORDER_KINDS.get(m['orderKind'], m['orderKind'])} "
                f"account={m['account']} position={m['positionId']} instrument={m['instrument']} {side} {dec(m['quantity'])} "
                f"limit={dec(m['price'])} mark={dec(m['mark'])}")
    if kind == "PositionState":
        lp = "none" if m["liquidationPrice"] == NO_PRICE else dec(m["liquidationPrice"])
        return (f"POSITION {m['positionId']} account={m['account']} size={dec(m['quantity'])} entry={dec(m['entryPrice'])} margin={dec(m['margin'])} "
                f"equity={dec(m['equity'])} mm={dec(m['maintenanceMargin'])} liquidation={lp} bankruptcy={dec(m['bankruptcyPrice'])}")
    if kind == "Reject":
        return f"REJECT clientSequence={m['clientSequence']} reason={m['reason']}"
    if kind == "StateHash":
        return f"STATEHASH {m['hash']:016x} after input {m['inputSequence']}"
    return f"{kind.upper()} " + " ".join(f"{k}={v}" for k, v in m.items() if k != "kind")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7400)
    p.add_argument("--secret", default="")
    p.add_argument("--account", type=int, default=7)
    p.add_argument("--instrument", type=int, default=0)
    p.add_argument("--resume", type=int, default=-1, help="last eventSequence seen (-1 = live only)")
    p.add_argument("--quiet-acks", action="store_true", help="do not print acks")
    args = p.parse_args()

    conn = Connection(args.host, args.port)
    conn.send(hello(args.resume, args.secret))
    first = conn.receive()
    if first is None or first[0] != WELCOME:
        print("no Welcome:", first and describe(*first), file=sys.stderr)
        return 1
    print(describe(*first), flush=True)

    seq = 0

    def send(name, *fields):
        nonlocal seq
        seq += 1
        conn.send(command(name, seq, *fields, timestamp_us=int(time.time() * 1_000_000)))
        return seq

    send("Deposit", args.account, 0, 10_000 * SCALE)
    send("TradeFill", args.account, args.instrument, 1, 10, 1 * SCALE, 20_000 * SCALE, 0, 0)
    send("QueryPosition", args.account, args.instrument, 0)
    for mark in range(19_500, 17_900, -100):  # the 10x long's liquidation price is about 18,072.29
        send("MarkTick", args.instrument, mark * SCALE)
    last = send("QueryStateHash")

    orders = 0
    while True:
        msg = conn.receive()
        if msg is None:
            print("the gateway closed the connection", file=sys.stderr)
            return 1
        msg_type, m = msg
        if msg_type == 0x81 and args.quiet_acks:
            continue
        print(describe(msg_type, m), flush=True)
        if m.get("kind") in ("LiquidationOrder", "AdlOrder"):
            orders += 1
        if m.get("kind") == "StateHash" and m["clientSequence"] == last:
            break
    conn.sock.close()
    return 0 if orders > 0 else 3


if __name__ == "__main__":
    sys.exit(main())
