import MorphJSON

extension MimeBundle {
    /// The MIME type of PNG images.
    public static let pngType = "image/png"

    /// A bundle showing `image` as a PNG (base64), with its size in the metadata and a text fallback.
    ///
    /// `displayWidth` / `displayHeight` set the size the front end draws it at (default: the pixel size).
    public init(png image: RasterImage, displayWidth: Int? = nil, displayHeight: Int? = nil, description: String? = nil) {
        let kind = image.channels == 1 ? "gray" : image.channels == 3 ? "RGB" : "RGBA"
        let text = description ?? "<image \(image.width)×\(image.height) \(kind)>"
        self.init(
            data: [
                MimeBundle.pngType: .string(Base64.encode(PNG.encode(image))),
                "text/plain": .string(text),
            ],
            metadata: [
                MimeBundle.pngType: [
                    "width": JSON(displayWidth ?? image.width),
                    "height": JSON(displayHeight ?? image.height),
                ]
            ])
    }

    /// The PNG bytes of the bundle's `image/png` form, if present and valid base64.
    public var pngBytes: [UInt8]? {
        guard let text = data[MimeBundle.pngType]?.stringValue else { return nil }
        return Base64.decode(text)
    }
}
