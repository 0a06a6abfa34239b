package awstest

func (s *Server) organizations(c *call) { c.fail(400, "UnknownOperationException", "not yet") }
func (s *Server) cloudtrail(c *call)    { c.fail(400, "UnknownOperationException", "not yet") }
func (s *Server) kms(c *call)           { c.fail(400, "UnknownOperationException", "not yet") }
func (s *Server) s3(c *call)            { c.fail(400, "NotImplemented", "not yet") }
func (s *Server) emrContainers(c *call) { c.fail(400, "ValidationException", "not yet") }
func (s *Server) eks(c *call)           { c.fail(400, "InvalidRequestException", "not yet") }
func s3Op(c *call) string               { return "" }
func emrContainersOp(c *call) string    { return "" }
func eksOp(c *call) string              { return "" }
