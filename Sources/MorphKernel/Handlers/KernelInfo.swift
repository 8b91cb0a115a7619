import MorphJSON

/// The kernel_info_reply content: protocol 5.5, implementation `morph`, MorphScript's language_info.
public enum KernelInfo {
    /// The Jupyter messaging protocol version this kernel speaks.
    public static let protocolVersion = "5.5"
    /// Morph's version.
    public static let implementationVersion = "0.1.0"

    /// The language_info object (also what the kernelspec describes).
    public static let languageInfo: JSON = [
        "name": "morph",
        "version": "0.1",
        "mimetype": "text/x-morph",
        "file_extension": ".morph",
        "codemirror_mode": "swift",
        "pygments_lexer": "swift",
        "nbconvert_exporter": "script",
    ]

    /// The reply content.
    public static let content: JSON = [
        "status": "ok",
        "protocol_version": .string(protocolVersion),
        "implementation": "morph",
        "implementation_version": .string(implementationVersion),
        "language_info": languageInfo,
        "banner": .string(
            "Morph \(implementationVersion): MorphScript cells driving an autoencoder/Jacobian engine.\n"
                + "help(name) documents a builtin; Tab completes; Shift-Tab inspects."),
        "help_links": [
            ["text": "Jupyter messaging protocol", "url": "https://jupyter-client.readthedocs.io/en/stable/messaging.html"]
        ],
        "debugger": false,
        "supported_features": [],
    ]
}
