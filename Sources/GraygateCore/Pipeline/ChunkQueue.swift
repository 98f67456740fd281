import Foundation

/// A bounded first-in, first-out queue of chunks between the reader and the parser threads.
///
/// The reader blocks when the queue is full, so memory stays bounded however fast the input arrives, and
/// parsers block when it is empty until the reader closes it.
final class ChunkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Chunk] = []
    private var head = 0
    private var isClosed = false
    private let capacity: Int
    private var waitSeconds = 0.0

    init(capacity: Int) {
        precondition(capacity > 0, "queue capacity must be positive")
        self.capacity = capacity
    }

    /// Adds a chunk, waiting while the queue is full.
    func push(_ chunk: Chunk) {
        condition.lock()
        defer { condition.unlock() }
        if items.count - head >= capacity {
            let started = monotonicSeconds()
            while items.count - head >= capacity {
                condition.wait()
            }
            waitSeconds += monotonicSeconds() - started
        }
        items.append(chunk)
        condition.broadcast()
    }

    /// Removes the oldest chunk, waiting while the queue is empty; nil once it is closed and drained.
    func pop() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !isClosed {
            condition.wait()
        }
        guard head < items.count else { return nil }
        let chunk = items[head]
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return chunk
    }

    /// The time `push` has spent waiting for room, that is, for the parsers to catch up.
    var pushWaitSeconds: Double {
        condition.lock()
        defer { condition.unlock() }
        return waitSeconds
    }

    /// Marks the end of input: parsers drain what is queued and then stop.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A pool of chunk buffers, so the reader reuses memory instead of mapping fresh pages for every chunk.
final class ChunkBufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [ChunkBuffer] = []
    let bufferCapacity: Int

    init(bufferCapacity: Int) {
        self.bufferCapacity = bufferCapacity
    }

    func acquire() -> ChunkBuffer {
        lock.lock()
        defer { lock.unlock() }
        if let buffer = free.popLast() {
            buffer.count = 0
            return buffer
        }
        return ChunkBuffer(capacity: bufferCapacity)
    }

    /// Returns a buffer; one grown for an overlong line is dropped, so its memory is freed.
    func release(_ buffer: ChunkBuffer) {
        guard buffer.capacity == bufferCapacity else { return }
        lock.lock()
        free.append(buffer)
        lock.unlock()
    }
}
