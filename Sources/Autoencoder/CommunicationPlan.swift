/// How the ranks form the exact full-batch gradient of a layer.
public enum LayerExchange: String, Codable, Sendable {
    /// Allgather the layer's inputs and output errors (b × (in + out) floats per rank; the weight
    /// gradient has rank ≤ batch) and let every rank form the whole gradient itself.
    case gather
    /// Sum every rank's partial gradient with one in-place allreduce (2·(in·out + out) floats moved).
    case allreduce
}

/// The communication path a user asks for (`--comm`).
public enum CommunicationChoice: String, Codable, CaseIterable, Sendable {
    /// Per layer, whichever of gather and allreduce moves fewer bytes; `shared` instead when ranks
    /// share a machine and the gathered layers hold most parameters (see `CommunicationPlan.init`).
    case auto
    case gather
    case allreduce
    /// Gather every layer, and keep the parameters and Adam moments once per machine in memory its
    /// ranks share: each rank of a machine forms the gradient and runs Adam for its own slice only.
    case shared
}

/// The exchange chosen for each layer, and the bytes it moves per step.
public struct CommunicationPlan: Equatable, Codable, Sendable, CustomStringConvertible {
    public let layers: [LayerExchange]
    /// The parameters live once per machine and its ranks split the weight gradients and the update
    /// (`CommunicationChoice.shared`); otherwise every rank updates its own full copy.
    public let sharedUpdate: Bool
    /// Bytes each rank receives per step (ring allreduce counted as 2·(P−1)/P of the buffer), for a
    /// full global batch with the mean non-zeros per row of the training data.
    public let bytesPerStep: Int

    /// Chooses per layer for `choice`: a layer is gathered when `B·(in + out)` (sparse first layer:
    /// `B·(2·nnz + 2 + out)`) is less than the `2·(in·out + out)` of an allreduce. `auto` becomes
    /// `shared` when some machine runs several ranks (`ranksPerMachine`, the most on any machine) and
    /// the layers it would gather hold at least 90% of the parameters (measured faster: docs/TRAINING.md).
    public init(choice: CommunicationChoice, architecture: Architecture, sparseInput: Bool, meanNonZeros: Double,
                globalBatch: Int, ranks: Int, ranksPerMachine: Int = 1) {
        let widths = architecture.widths
        var choice = choice
        if choice == .auto && ranksPerMachine > 1 {
            let perLayer = CommunicationPlan(choice: .auto, architecture: architecture, sparseInput: sparseInput,
                                             meanNonZeros: meanNonZeros, globalBatch: globalBatch, ranks: ranks)
            let gathered = perLayer.layers.indices.filter { perLayer.layers[$0] == .gather }
                .map { widths[$0] * widths[$0 + 1] + widths[$0 + 1] }.reduce(0, +)
            if 10 * gathered >= 9 * architecture.parameterCount { choice = .shared }
        }
        var layers: [LayerExchange] = []
        var bytes = 0.0
        let share = Double(max(ranks - 1, 0)) / Double(max(ranks, 1))
        for l in 0..<architecture.layerCount {
            let (i, o) = (Double(widths[l]), Double(widths[l + 1]))
            let inputFloats = (l == 0 && sparseInput) ? 2 * meanNonZeros + 2 : i
            let gatherFloats = Double(globalBatch) * (inputFloats + o)
            let allreduceFloats = 2 * (i * o + o)
            let pick: LayerExchange
            switch choice {
            case .gather, .shared: pick = .gather
            case .allreduce: pick = .allreduce
            case .auto: pick = gatherFloats < allreduceFloats ? .gather : .allreduce
            }
            layers.append(pick)
            bytes += 4 * share * (pick == .gather ? gatherFloats : allreduceFloats)
        }
        sharedUpdate = choice == .shared
        if sharedUpdate && sparseInput {
            // The distinct input columns of every rank's rows, to catch their lazy rows up before the forward pass.
            bytes += 4 * share * Double(globalBatch) * meanNonZeros
        }
        self.layers = layers
        bytesPerStep = Int(bytes.rounded())
    }

    /// "shared" for the shared update, "gather" / "allreduce" when every layer agrees, else the layers
    /// of each, e.g. "gather (layers 0-5), allreduce (layers 6-7)".
    public var description: String {
        if sharedUpdate { return "shared" }
        if Set(layers).count == 1 { return layers[0].rawValue }
        return [LayerExchange.gather, .allreduce].map { kind in
            "\(kind.rawValue) (layers \(layers.indices.filter { layers[$0] == kind }.map(String.init).joined(separator: ",")))"
        }.joined(separator: ", ")
    }
}
