module.exports = {
  output: 'standalone',
}
