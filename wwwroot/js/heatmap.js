// Paints palette indices (one byte per pixel) onto a canvas. The palette is 256 RGB triples.
export function draw(canvas, width, height, indices, palette) {
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const context = canvas.getContext('2d');
    const image = context.createImageData(width, height);
    const pixels = image.data;
    for (let i = 0; i < width * height; i++) {
        const p = indices[i] * 3;
        pixels[i * 4] = palette[p];
        pixels[i * 4 + 1] = palette[p + 1];
        pixels[i * 4 + 2] = palette[p + 2];
        pixels[i * 4 + 3] = 255;
    }
    context.putImageData(image, 0, 0);
}
