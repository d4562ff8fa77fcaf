module.exports = {
  output: 'standalone',
  poweredByHeader: false,
}
