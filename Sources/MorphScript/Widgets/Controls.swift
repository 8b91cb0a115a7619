import MorphJSON

/// The standard controls of JupyterLab's widget manager (@jupyter-widgets/controls 2.x, as
/// jupyterlab_widgets ships them): each is made with its layout and style models, so front ends
/// render it with no extension of Morph's own.
public enum Controls {
    /// The controls package's module name and version.
    public static let controlsModule = ("@jupyter-widgets/controls", "2.0.0")
    /// The base package's module name and version (layouts, style views).
    public static let baseModule = ("@jupyter-widgets/base", "2.0.0")
    /// The output package's module name and version (the Output widget).
    public static let outputModule = ("@jupyter-widgets/output", "1.0.0")

    /// The identity attributes of a model from `module` with a view from `viewModule`.
    static func identity(model: String, view: String?, module: (String, String), viewModule: (String, String)? = nil) -> [String: JSON] {
        let viewSide = viewModule ?? module
        return [
            "_model_name": .string(model), "_model_module": .string(module.0), "_model_module_version": .string(module.1),
            "_view_name": view.map { .string($0) } ?? .null, "_view_module": .string(viewSide.0),
            "_view_module_version": .string(viewSide.1),
        ]
    }

    /// A layout model (every DOM widget refers to one).
    static func layout(in hub: CommHub) -> Widget {
        hub.makeWidget(state: identity(model: "LayoutModel", view: "LayoutView", module: baseModule))
    }

    /// A style model of class `model` (SliderStyleModel, ButtonStyleModel, …).
    static func style(_ model: String, in hub: CommHub, extra: [String: JSON] = [:]) -> Widget {
        var state = identity(model: model, view: "StyleView", module: controlsModule, viewModule: baseModule)
        state["description_width"] = ""
        for (key, value) in extra { state[key] = value }
        return hub.makeWidget(state: state)
    }

    /// A DOM control: identity, layout, style and the given attributes.
    static func control(
        _ model: String, view: String, style styleModel: String?, in hub: CommHub, _ attributes: [String: JSON],
        binary: [String: [UInt8]] = [:], module: (String, String) = controlsModule
    ) -> Widget {
        var state = identity(model: model, view: view, module: module)
        state["layout"] = layout(in: hub).reference
        if let styleModel { state["style"] = style(styleModel, in: hub).reference }
        state["_dom_classes"] = []
        state["tabbable"] = .null
        state["tooltip"] = .null
        for (key, value) in attributes { state[key] = value }
        return hub.makeWidget(state: state, binary: binary)
    }

    /// An integer slider.
    public static func intSlider(value: Int, min: Int, max: Int, step: Int = 1, description: String = "", in hub: CommHub) -> Widget {
        control("IntSliderModel", view: "IntSliderView", style: "SliderStyleModel", in: hub, [
            "value": JSON(value), "min": JSON(min), "max": JSON(max), "step": JSON(step),
            "description": .string(description), "description_allow_html": false, "orientation": "horizontal",
            "readout": true, "readout_format": "d", "continuous_update": true, "disabled": false, "behavior": "drag-tap",
        ])
    }

    /// A floating-point slider.
    public static func floatSlider(value: Double, min: Double, max: Double, step: Double, description: String = "", in hub: CommHub) -> Widget {
        control("FloatSliderModel", view: "FloatSliderView", style: "SliderStyleModel", in: hub, [
            "value": JSON(value), "min": JSON(min), "max": JSON(max), "step": JSON(step),
            "description": .string(description), "description_allow_html": false, "orientation": "horizontal",
            "readout": true, "readout_format": ".2f", "continuous_update": true, "disabled": false, "behavior": "drag-tap",
        ])
    }

    /// A line of text.
    public static func label(_ text: String, in hub: CommHub) -> Widget {
        control("LabelModel", view: "LabelView", style: "LabelStyleModel", in: hub, [
            "value": .string(text), "description": "", "description_allow_html": false, "placeholder": "\u{200B}",
        ])
    }

    /// A button; its clicks arrive as custom messages `{"event": "click"}`.
    public static func button(_ description: String, in hub: CommHub) -> Widget {
        control("ButtonModel", view: "ButtonView", style: "ButtonStyleModel", in: hub, [
            "description": .string(description), "button_style": "", "icon": "", "disabled": false,
        ])
    }

    /// A drop-down list; `index` is the selected option.
    public static func dropdown(options: [String], index: Int?, description: String = "", in hub: CommHub) -> Widget {
        control("DropdownModel", view: "DropdownView", style: "DescriptionStyleModel", in: hub, [
            "_options_labels": .array(options.map { .string($0) }), "index": index.map { JSON($0) } ?? .null,
            "description": .string(description), "description_allow_html": false, "disabled": false,
        ])
    }

    /// An image from encoded bytes (`format` png, jpeg, …), sent as a binary buffer.
    public static func image(_ bytes: [UInt8], format: String = "png", width: String = "", in hub: CommHub) -> Widget {
        control("ImageModel", view: "ImageView", style: nil, in: hub, [
            "format": .string(format), "width": .string(width), "height": "",
        ], binary: ["value": bytes])
    }

    /// An output area showing `outputs` (nbformat outputs: display_data, stream, error); replacing
    /// the attribute replaces what it shows.
    public static func output(_ outputs: [JSON] = [], in hub: CommHub) -> Widget {
        control("OutputModel", view: "OutputView", style: nil, in: hub, [
            "msg_id": "", "outputs": .array(outputs),
        ], module: outputModule)
    }

    /// A row (`vertical` false) or column of widgets.
    public static func box(_ children: [Widget], vertical: Bool, in hub: CommHub) -> Widget {
        control(vertical ? "VBoxModel" : "HBoxModel", view: vertical ? "VBoxView" : "HBoxView", style: nil, in: hub, [
            "children": .array(children.map(\.reference)), "box_style": "",
        ])
    }
}
